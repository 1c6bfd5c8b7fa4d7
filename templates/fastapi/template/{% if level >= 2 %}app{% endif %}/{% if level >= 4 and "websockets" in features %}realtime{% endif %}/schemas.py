"""The JSON messages of the room sockets: what a client may send, and what every socket receives."""

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class AuthMessage(BaseModel):
    """The first message, for clients that cannot put the credential in the URL or a header."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["auth"]
    token: str = Field(min_length=1, max_length=4096)


class ClientMessage(BaseModel):
    """A message a client sends to its room."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["message"] = "message"
    text: str = Field(min_length=1, max_length=10_000)


class RoomMessage(BaseModel):
    """A message as every socket in the room receives it (the sender's too)."""

    type: Literal["message"] = "message"
    room: str
    user_id: int
    text: str
    sent_at: dt.datetime
