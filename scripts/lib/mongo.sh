# A MongoDB wire-protocol server for the e2e scripts: secantusdb (SERVICES.md, "MongoDB"), installed
# into a tools venv of its own (never into a generated project), started on 127.0.0.1 with its data
# in memory and stopped by PID. Source it, then `start_mongo WORK_DIR`; `stop_mongo` when done.
# FB_E2E_MONGO_PORT (27118) chooses the port; MONGO_URL_BASE is what the projects' MONGODB_URL
# starts with.
SECANTUSDB_VERSION=0.7.0b3
MONGO_PORT=${FB_E2E_MONGO_PORT:-27118}
MONGO_URL_BASE=mongodb://127.0.0.1:$MONGO_PORT
MONGO_PID=

mongo_answers() { (exec 3<>"/dev/tcp/127.0.0.1/$MONGO_PORT") 2>/dev/null; }

start_mongo() {
    local tools=$1/mongo-tools
    if [ ! -x "$tools/bin/secantusd-py" ]; then
        uv venv --quiet --python python3 "$tools"
        VIRTUAL_ENV=$tools uv pip install --quiet "secantusdb==$SECANTUSDB_VERSION" ||
            { echo "could not install secantusdb $SECANTUSDB_VERSION" >&2; return 1; }
    fi
    if mongo_answers; then
        echo "something already listens on 127.0.0.1:$MONGO_PORT: stop it or set FB_E2E_MONGO_PORT" >&2
        return 1
    fi
    "$tools/bin/secantusd-py" --host 127.0.0.1 --port "$MONGO_PORT" --storage-path :memory: \
        >"$1/mongo.log" 2>&1 &
    MONGO_PID=$!
    for _ in $(seq 1 100); do
        mongo_answers && { echo "secantusdb $SECANTUSDB_VERSION on $MONGO_URL_BASE (pid $MONGO_PID)"; return 0; }
        kill -0 "$MONGO_PID" 2>/dev/null || break
        sleep 0.2
    done
    cat "$1/mongo.log" >&2
    echo "secantusdb does not answer on 127.0.0.1:$MONGO_PORT" >&2
    return 1
}

stop_mongo() {
    [ -n "$MONGO_PID" ] || return 0
    kill "$MONGO_PID" 2>/dev/null || true
    wait "$MONGO_PID" 2>/dev/null || true
    MONGO_PID=
}
