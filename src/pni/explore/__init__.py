"""Catalysis: integrity, statistics with effect sizes and FDR, observations with competing
interpretations, diversity of voices. ``build_report`` does it all::

    from pni.store import Store
    from pni.explore.report import build_report, save_report

    with Store.open("pni.db") as db:
        report = build_report(db, min_subset=20, q_threshold=0.1)
        for ob in report.observations:
            print(ob.rank, ob.text, *ob.interpretations, sep="\\n  ")
"""
