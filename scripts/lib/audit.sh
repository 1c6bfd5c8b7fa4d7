# Sourced by the e2e scripts, which define WORK and die.
# audit_deps NAME: pip-audit of the project's locked set, dev tools included (what the generated
# CI runs), in the current directory. It reads
# PyPI's vulnerability data from the per-release JSON API (pypi.org/pypi/NAME/VERSION/json). Where
# that API does not answer (this machine's registry serves the package index only, and OSV is out of
# reach), the audit runs all the same, every package must then be reported as "not found on PyPI"
# (any other error or a vulnerability fails), and the script says so; elsewhere it runs --strict.
PIP_AUDIT=(uvx --quiet pip-audit==2.10.1 --disable-pip --progress-spinner off)
audit_deps() {
    local req="$WORK/$1-requirements.txt" log="$WORK/$1-pip-audit.log"
    uv export --frozen --format requirements-txt --no-emit-project --quiet --output-file "$req"
    if curl -sf -m 10 -o /dev/null https://pypi.org/pypi/pip/24.0/json; then
        "${PIP_AUDIT[@]}" --strict -r "$req" || die "pip-audit: vulnerable or unauditable packages in $1"
    else
        "${PIP_AUDIT[@]}" -r "$req" >"$log" 2>&1 || { cat "$log"; die "pip-audit failed on $1"; }
        if grep -v -e 'Dependency not found on PyPI and could not be audited' -e '^Name  *Skip Reason' \
            -e '^----' -e '^No known vulnerabilities found' "$log" | grep -q .; then
            cat "$log"
            die "pip-audit reported more than unreachable vulnerability data on $1"
        fi
        echo "pip-audit: no vulnerability data reachable here; $(grep -c 'not found on PyPI' "$log") packages not audited"
    fi
}
