"""The build: plan what changed, run the steps, write the site beside the live one and swap it in."""
