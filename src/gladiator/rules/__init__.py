"""Pure rule functions over DuelState arrays. No pygame, no I/O, no global randomness."""
