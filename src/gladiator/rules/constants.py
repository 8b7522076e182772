"""Every number of the rules that is not a unit or arena stat. docs/rules.md states each one."""

EVASION_PER_AGILITY = 0.03  # hit chance taken off per point of the target's agility
GUARD_PENALTY = 0.20  # hit chance taken off against a guarding target
COVER_PENALTY = 0.20  # hit chance taken off a ranged attack on a target in cover
HIGH_GROUND_BONUS = 0.15  # hit chance added to a ranged attack from high ground onto low ground
REAR_BONUS = 0.20  # hit chance added to an attack from the target's rear arc
POINT_BLANK_PENALTY = 0.25  # hit chance taken off a ranged attack on an adjacent target
AMBUSH_BONUS = 0.30  # hit chance added to the attack that throws off a disguise (which also adds roll // 2 damage)
EXPOSED_BONUS = 0.25  # hit chance added against a unit whose core extraction failed

REAR_DAMAGE_DIVISOR = 2  # a rear attack adds roll // 2 damage

VENT_HEAT = 6  # vent sheds VENT_HEAT + cooling
LEAP_HEAT = 3  # heat a leap adds to the leaper
OVERHEAT_AP_COST = 1  # action points lost at the start of a turn begun overheated
OVERHEAT_DAMAGE_PER_HEAT = 1  # integrity lost per point of heat above capacity, each own turn

LEAP_BASE_REACH = 2  # leap reach = LEAP_BASE_REACH + agility // LEAP_AGILITY_PER_TILE
LEAP_AGILITY_PER_TILE = 3

EXTRACT_PER_AGILITY = 0.03  # core extraction odds = EXTRACT_PER_AGILITY * (agility - target agility) + ...
EXTRACT_PER_DAMAGE = 0.8  # + this times the share of its integrity the target has lost
EXTRACT_MIN, EXTRACT_MAX = 0.05, 0.95
EXTRACT_DAMAGED_FRACTION = 0.4  # the target is "badly damaged" at or below this fraction of integrity

MIMIC_TURNS = 3  # own turns a disguise lasts, the one it is put on included
MIMIC_UNSEEN_DISTANCE = 4  # a disguise may be put on out of the enemy's sight, or at least this far from it
NECTAR_PER_TURN = 1  # Nectar each own turn burns

# Version 4 (a game compiled with rules=4, the version being made; docs/rules.md)
ABILITY_NECTAR = 3  # Nectar a leap or a disguise burns; either needs more than this left
COST_MIMIC_V4 = 1  # a disguise takes an action
STAGGER_AP_COST = 1  # action points a unit held by a grab, or hit by an ambush since its last turn, begins its turn without

# the constants each version has no use for
VERSION_3_ONLY = ("EXPOSED_BONUS", "EXTRACT_PER_AGILITY", "EXTRACT_PER_DAMAGE", "EXTRACT_MIN", "EXTRACT_MAX", "MIMIC_TURNS",
                  "MIMIC_UNSEEN_DISTANCE", "COST_MIMIC")
VERSION_4_ONLY = ("ABILITY_NECTAR", "COST_MIMIC_V4", "STAGGER_AP_COST")

COST_MOVE = COST_ATTACK = COST_GUARD = COST_VENT = COST_INJECT = COST_LEAP = 1
COST_MIMIC = 0
COST_EXTRACT = 2
