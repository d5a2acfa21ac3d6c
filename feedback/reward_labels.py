"""Reward statuses as form choices."""

REWARD_CHOICES = [("decided", "已决定"), ("paid", "已发放"), ("declined", "不予奖励")]
