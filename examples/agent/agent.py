"""A small CartPole agent for ML Arena: a hand-tuned linear policy, no dependencies.

CartPole's observation is [cart position, cart velocity, pole angle, pole angular velocity]
and its actions are 0 (push the cart left) and 1 (push it right). The policy pushes the cart
under the pole: toward the side the pole leans and falls, with a small pull back to the centre
so the cart does not drift off the track.
"""

from typing import Sequence

# Weights of the linear policy, in observation order. The pole terms dominate (keep it upright);
# the cart terms are small (stay near the centre without fighting the pole).
WEIGHTS = (0.05, 0.3, 10.0, 1.5)


class Agent:
    """The class the competition instantiates; it calls act() once per step."""

    def __init__(self, env=None):
        # The environment (if the runner passes one) is not needed: the policy is fixed.
        self.env = env

    def act(self, observation: Sequence[float]) -> int:
        """Returns 1 (push right) or 0 (push left) for one observation."""
        push = sum(weight * float(value) for weight, value in zip(WEIGHTS, observation))
        return 1 if push > 0 else 0

    def reset(self) -> None:
        """Called between episodes; the policy keeps no state."""
