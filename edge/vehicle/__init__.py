"""The vehicle face: body colour, vehicle class and an appearance signature, per vehicle."""
