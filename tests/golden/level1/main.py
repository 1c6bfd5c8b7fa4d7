"""Hello: a FastAPI hello world."""

from typing import Annotated

from fastapi import FastAPI, Path
from pydantic import BaseModel

app = FastAPI(title="Hello")


class Greeting(BaseModel):
    message: str


@app.get("/")
def root() -> Greeting:
    return Greeting(message="Hello World")


@app.get("/hello/{name}")
def hello(name: Annotated[str, Path(min_length=1, max_length=50)]) -> Greeting:
    return Greeting(message=f"Hello {name}")


@app.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}
