"""One module per screen, each with its stylesheet and its French texts kept together."""
