"""Train the example model: `python -m app.ml.train [--output PATH] [--version VERSION]`.

A logistic regression on the iris measurements that scikit-learn ships with the package (nothing
is downloaded). The Docker build runs this; to serve your own model, replace `train()` with your
training and keep `save_model()`: the app needs a classifier with `predict_proba` and `classes_`.
"""

import argparse
import datetime as dt
from pathlib import Path

import sklearn
from pydantic_settings import BaseSettings, SettingsConfigDict
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from app.core.config import DEFAULT_MODEL_PATH
from app.ml.model import ModelMetadata, save_model

MODEL_NAME = "iris-logistic-regression"


class TrainSettings(BaseSettings):
    """MODEL_PATH as the app reads it, without the app's other settings (which the image build,
    running as production, does not have)."""

    model_config = SettingsConfigDict(env_file=".env", env_ignore_empty=True, extra="ignore")

    model_path: Path = DEFAULT_MODEL_PATH


def train(output: Path, version: str | None = None) -> ModelMetadata:
    """Fit the model, score it on a quarter of the data held out, and write it to `output`."""
    iris = load_iris()
    labels = iris.target_names[iris.target]
    # A fixed seed: the same data gives the same model and the same accuracy.
    x_train, x_test, y_train, y_test = train_test_split(
        iris.data, labels, test_size=0.25, random_state=0, stratify=labels
    )
    model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    model.fit(x_train, y_train)
    trained_at = dt.datetime.now(dt.UTC)
    metadata = ModelMetadata(
        name=MODEL_NAME,
        version=version or trained_at.strftime("%Y%m%d%H%M%S"),
        trained_at=trained_at,
        classes=[str(c) for c in model.classes_],
        features=list(iris.feature_names),
        accuracy=float(model.score(x_test, y_test)),
        sklearn_version=sklearn.__version__,
    )
    save_model(model, metadata, output)
    return metadata


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Train the model the app serves.")
    parser.add_argument("--output", type=Path, help="where to write it (default: MODEL_PATH)")
    parser.add_argument("--version", help="the version it reports (default: the time, UTC)")
    args = parser.parse_args(argv)
    output = args.output or TrainSettings().model_path
    metadata = train(output, args.version)
    print(f"{metadata.name} {metadata.version}: accuracy {metadata.accuracy:.3f}, wrote {output}")


if __name__ == "__main__":
    main()
