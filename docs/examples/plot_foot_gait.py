"""
Foot gait: events, strides and left/right asymmetry
===================================================

The demo session's two foot IMUs (gaitmap example walk: a healthy subject walking 2 x 20 m with a turn, NilsPod
sensors on both shoes at 204.8 Hz) give initial contacts and toe-offs from each foot's sagittal angular rate, a
bilateral stride table with stride lengths from zero-velocity updates, and the asymmetry indices. Strides across
the turn stay in the table, flagged, and are left out of the summaries.
"""

from kinemyo import datasets, gait, plot

feet = datasets.load_demo_feet()
print(f"{len(feet.left_gyr) / feet.fs:.1f} s at {feet.fs:g} Hz")
walk = gait.analyze_feet(**feet._asdict())

strides = walk.strides
print(f"{len(strides)} strides, {int(strides['excluded'].sum())} excluded by quality control")
print(strides.groupby("side")[["stride_time_s", "stance_time_s", "swing_time_s", "stride_length_m"]].median()
      .round(3))

# %%
# Events on the sagittal angular rate
# -----------------------------------
# The detector's medio-lateral axis is the sensor's y (gaitmap's frame: x to the toes, y to the left, z up).
events_figure = plot.gait_events(feet.left_gyr[:, 1], walk.left, fs=feet.fs, span_s=(2.0, 12.0),
                                ylabel="left foot, y rate (rad/s)")

# %%
# Left and right
# --------------
# Symmetry index per parameter (positive when the right value is larger; with ``affected="left"``, when the
# left value is).
sides_figure = plot.left_right(walk)
summary = gait.asymmetry_summary(walk.strides)
print(summary.head(12).to_string())
