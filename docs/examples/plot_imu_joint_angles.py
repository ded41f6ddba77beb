"""
IMU joint angles: hip flexion, adduction and rotation from two sensors
======================================================================

A pelvis and a right-thigh sensor are simulated from known hip angles (five hip flexions of 40 degrees with a
little adduction and rotation, after 5 s of standing in the neutral pose) by kinemyo's synthetic IMU generator,
with gyroscope noise and bias. The robust filter estimates each sensor's orientation (9D), the static pose
calibrates each sensor to its segment (ISB axes: x anterior, y superior, z right), and the hip angles come out of
the joint coordinate system. Since the truth is known, the error is too.
"""

import numpy as np
from scipy.spatial.transform import Rotation

from kinemyo import imu, plot

fs = 100.0
t = np.arange(0, 35, 1 / fs)
moving = np.clip((t - 5.0) / 1.0, 0, 1)                       # the hip in neutral for the first 5 s
flexion = np.radians(40) * moving * np.sin(np.pi * np.clip(t - 5.0, 0, None) / 6.0) ** 2
adduction = np.radians(5) * moving * np.sin(2 * np.pi * t / 12.0)
rotation = np.radians(8) * moving * np.sin(2 * np.pi * t / 6.0)
truth = {"flexion": flexion, "adduction": adduction, "internal_rotation": rotation}

# %%
# Sensors from segments
# ---------------------
# Earth frame ENU; the subject faces north. Segment frames (ISB): x anterior (north), y superior (up), z right
# (east). The sensors are strapped on with x forward, y to the left and z up, and the pelvis sways a little
# throughout. (A sway slower than about 2 deg/s would be taken for rest and learned as gyroscope bias: see the
# rest-detection note in the conventions.)
to_earth = Rotation.from_matrix([[0, 0, 1], [1, 0, 0], [0, 1, 0]])          # segment axes in earth coordinates
sensor_in_segment = Rotation.from_matrix([[1, 0, 0], [0, 0, 1], [0, -1, 0]])  # sensor axes in segment coordinates
sway = Rotation.from_rotvec(np.column_stack([0.05 * np.sin(1.1 * t), 0.03 * np.sin(0.9 * t), 0.1 * np.sin(0.7 * t)]))
pelvis = sway * to_earth
# Joint coordinate system, Z-X-Y Cardan: flexion about the pelvis's z, adduction about the floating x, internal
# rotation about the thigh's y (right side: all three as written).
thigh = pelvis * Rotation.from_euler("ZXY", np.column_stack([flexion, adduction, rotation]))


def sensor_data(segment: Rotation, seed: int) -> dict:
    q = (segment * sensor_in_segment).as_quat()[:, [3, 0, 1, 2]]           # scalar first, [w, x, y, z]
    return imu.synthesize_imu(q, fs=fs, gyr_noise=0.005, acc_noise=0.05, mag_noise=0.2,
                              gyr_bias=[0.004, -0.003, 0.002], seed=seed)


estimates = []
for segment, seed in ((pelvis, 1), (thigh, 2)):
    d = sensor_data(segment, seed)
    estimates.append(imu.robust_orientation(d["gyr"], d["acc"], d["mag"], fs=fs, offline=True).quat_9d)

# %%
# Calibration and angles
# ----------------------
# The offline (forward-backward) filter has no start-up transient. The neutral pose: the mean orientation of each
# sensor over the first 4 s (hip in neutral); its x axis points forward. Both sensors are 9D, so they share
# magnetic north.
static = t < 4.0
calibration = imu.calibrate_static_pose(np.stack([imu.mean_orientation(q[static]) for q in estimates]),
                                        anterior_hints=[[1, 0, 0], [1, 0, 0]], pelvis_index=0, shared_heading=True)
pelvis_segment = imu.segment_orientations(estimates[0], calibration[0])
thigh_segment = imu.segment_orientations(estimates[1], calibration[1])
hip = imu.hip_angles(pelvis_segment, thigh_segment, "right")

settled = t > 5.0
for name, true in truth.items():
    rmse = np.degrees(np.sqrt(np.mean((hip[name][settled] - true[settled]) ** 2)))
    print(f"{name}: RMSE {rmse:.2f} deg over a range of {np.degrees(np.ptp(true)):.1f} deg")

reps = imu.repetitions(hip["flexion"], min_range=np.radians(10))
print(reps.to_frame(fs).round(3).to_string())

fig = plot.joint_angles({k: hip[k] for k in truth}, fs=fs, title="hip angles (estimated)")
for ax_line, true in zip(fig.axes[0].get_lines(), truth.values()):
    fig.axes[0].plot(t, np.degrees(true), linestyle="--", color=ax_line.get_color(), linewidth=1)
