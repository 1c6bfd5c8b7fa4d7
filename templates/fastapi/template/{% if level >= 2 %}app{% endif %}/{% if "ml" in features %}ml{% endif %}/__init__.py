"""Machine-learning inference (the `ml` feature): train.py builds the model, model.py serves it."""
