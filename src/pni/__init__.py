"""pni: a toolkit for participatory narrative inquiry.

The library API is what a script imports; the `pni` command is a thin layer over it::

    from pni.store import Store
    from pni.store.stories import list_stories

    with Store.open("pni.db") as db:
        for story in list_stories(db):
            print(story.id, story.title)
"""

__version__ = "0.1.0"
