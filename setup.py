"""Ships the facilitator-editable ``prompts/`` folder inside the package as ``pni/prompts``.

Everything else about the build is in pyproject.toml. An editable install reads ``prompts/`` from
the checkout instead (see ``pni.paths.prompts_dir``)."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildPyWithPrompts(build_py):
    def run(self) -> None:
        super().run()
        if not getattr(self, "editable_mode", False):
            shutil.copytree(Path(__file__).parent / "prompts", Path(self.build_lib) / "pni" / "prompts",
                            dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithPrompts})
