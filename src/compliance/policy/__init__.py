"""Policy over results: waivers, baselines, thresholds and configuration (the CI gate).

These modules read finished :class:`~compliance.model.results.Report` objects; they never change a
verdict or a score. A waiver marks a finding as accepted; a baseline marks it as new, unchanged,
improved or regressed; a threshold decides the exit code.
"""
