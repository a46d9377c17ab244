from pni.cli import main

main()
