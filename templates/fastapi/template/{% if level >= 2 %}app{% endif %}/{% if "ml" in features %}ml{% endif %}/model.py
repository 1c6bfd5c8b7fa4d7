"""The ML model: loaded once at startup from MODEL_PATH, then shared by every request.

The artifact is a joblib file, that is a pickle, and unpickling runs code: load only a file you
built (`python -m app.ml.train`, the Docker build), from the path in the settings, never a file
a client sent.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import joblib
import structlog
from pydantic import AwareDatetime, BaseModel, Field, ValidationError

logger = structlog.get_logger(__name__)


class ModelMetadata(BaseModel):
    """What the artifact says about itself (GET /api/v1/ml/model)."""

    name: str
    version: str
    trained_at: AwareDatetime
    classes: list[str]
    features: list[str]
    # On data held out from training.
    accuracy: float = Field(ge=0, le=1)
    sklearn_version: str


class Classifier(Protocol):
    """What the app needs of a model: any scikit-learn classifier has it."""

    classes_: Any

    def predict_proba(self, x: Any) -> Any: ...


@dataclass(frozen=True)
class LoadedModel:
    estimator: Classifier
    metadata: ModelMetadata

    def predict(self, instances: list[list[float]]) -> list[tuple[str, float]]:
        """The likeliest class of each instance and its probability.

        CPU-bound and blocking: the endpoint calls it through `run_in_threadpool`.
        """
        probabilities = self.estimator.predict_proba(instances)
        best = probabilities.argmax(axis=1)
        return [
            (str(self.estimator.classes_[i]), float(row[i]))
            for i, row in zip(best, probabilities, strict=True)
        ]


def save_model(estimator: Classifier, metadata: ModelMetadata, path: Path) -> None:
    """Write the artifact the app loads: the estimator and its metadata in one file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written beside it, then renamed: an app starting meanwhile never reads half a file.
    partial = path.with_name(path.name + ".partial")
    joblib.dump({"model": estimator, "metadata": metadata.model_dump(mode="json")}, partial)
    partial.replace(path)


def load_model(path: Path) -> LoadedModel | None:
    """The model at `path`, or None when there is no file (the ML routes then answer 503).

    A file that is not such an artifact stops the startup: that is a broken deployment.
    """
    if not path.is_file():
        logger.warning("no ML model: /api/v1/ml answers 503", path=str(path))
        return None
    bundle = joblib.load(path)  # trusted: the path comes from the settings only
    try:
        estimator, metadata = bundle["model"], ModelMetadata.model_validate(bundle["metadata"])
    except (KeyError, TypeError, ValidationError) as error:
        raise ValueError(f"{path} is not a model artifact of app.ml.train: {error}") from None
    classes = [str(c) for c in getattr(estimator, "classes_", [])]
    if not hasattr(estimator, "predict_proba") or classes != metadata.classes:
        raise ValueError(f"{path}: the model does not predict the classes its metadata lists")
    logger.info("ML model loaded", name=metadata.name, version=metadata.version)
    return LoadedModel(estimator=estimator, metadata=metadata)
