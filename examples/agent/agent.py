"""A small Lunar Lander agent for ML Arena: a hand-tuned controller, no dependencies.

Lunar Lander's observation is eight numbers: the lander's position (x, y; the pad is at 0, 0),
its velocity (vx, vy), its angle and angular velocity, and whether each leg touches the ground
(1.0 or 0.0). Its four actions: 0 do nothing, 1 fire the left orientation engine, 2 fire the
main engine, 3 fire the right orientation engine.

The controller is two proportional-derivative rules. Tilt: lean toward the pad to drift over it
(the angle is capped so the lander never tips far), damped by the angular velocity. Height: aim
for a height that falls as the lander nears the pad, damped by the vertical speed. It fires the
engine of whichever correction is larger; once a leg touches, it only brakes the fall.
"""

from typing import Sequence

# How far to lean toward the pad per unit of horizontal distance and of horizontal speed, and
# the largest lean allowed (radians).
LEAN_PER_DISTANCE = 0.5
LEAN_PER_SPEED = 1.0
MAX_LEAN = 0.4
# The height to hold per unit of horizontal distance: high while far from the pad, down on it.
HEIGHT_PER_DISTANCE = 0.55
# Corrections smaller than this are left alone (firing costs reward).
DEAD_BAND = 0.05

NOOP, LEFT_ENGINE, MAIN_ENGINE, RIGHT_ENGINE = 0, 1, 2, 3


def clamp(value: float, limit: float) -> float:
    return max(-limit, min(limit, value))


class Agent:
    """The class the competition instantiates; it calls act() once per step."""

    def __init__(self, env=None):
        # The environment (if the runner passes one) is not needed: the controller is fixed.
        self.env = env

    def act(self, observation: Sequence[float]) -> int:
        """Returns the action (0 to 3) for one observation."""
        x, y, vx, vy, angle, spin, left_leg, right_leg = (float(v) for v in observation[:8])

        target_angle = clamp(x * LEAN_PER_DISTANCE + vx * LEAN_PER_SPEED, MAX_LEAN)
        tilt = (target_angle - angle) * 0.5 - spin
        lift = (HEIGHT_PER_DISTANCE * abs(x) - y) * 0.5 - vy * 0.5

        if left_leg or right_leg:
            # Touched down: stay level, and only brake the fall.
            tilt = 0.0
            lift = -vy * 0.5

        if lift > abs(tilt) and lift > DEAD_BAND:
            return MAIN_ENGINE
        if tilt < -DEAD_BAND:
            return RIGHT_ENGINE
        if tilt > DEAD_BAND:
            return LEFT_ENGINE
        return NOOP

    def reset(self) -> None:
        """Called between episodes; the controller keeps no state."""
