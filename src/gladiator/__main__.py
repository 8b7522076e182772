"""`python -m gladiator` runs the same command line as `gladiator`."""

from gladiator.cli import main

if __name__ == "__main__":
    main()
