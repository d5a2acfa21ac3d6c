"""The problem ledger (问题台账, 挂单销号): every problem from any source, tracked to closure."""
