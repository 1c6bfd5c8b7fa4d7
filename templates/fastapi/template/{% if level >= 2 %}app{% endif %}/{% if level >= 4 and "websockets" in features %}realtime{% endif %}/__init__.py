"""Real-time rooms over WebSockets (the `websockets` feature): connections and their fan-out."""
