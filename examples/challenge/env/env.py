"""Coin Guess: guess the hidden side of a biased coin, 100 flips per episode.

The platform calls Env.evaluate with the agents of a match; it returns each agent's score (the
share of flips guessed right) and an env metric (the longest streak of right guesses).
"""

import random


class Env:
    def __init__(self, flips=100, bias=0.7, seed=None):
        self.flips = flips
        self.bias = bias
        self.random = random.Random(seed)

    def evaluate(self, agents):
        agent = agents[0]
        right = 0
        streak = 0
        longest = 0
        history = []
        for _ in range(self.flips):
            guess = agent.act({"history": list(history)})
            side = "heads" if self.random.random() < self.bias else "tails"
            if guess == side:
                right += 1
                streak += 1
                longest = max(longest, streak)
            else:
                streak = 0
            history.append(side)
        score = right / self.flips
        return {"agent_results": [{"score": score, "metrics": {"streak": longest}}]}
