"""Where a rendered Secret's value must never appear: ConfigMap data, annotations, literal env values,
container commands and args (and NOTES.txt, checked by tests/render/test_notes_no_secrets.py). Issue 8:
"nothing secret in ConfigMaps, env literals, NOTES.txt or annotations"."""
import base64


def secret_values(objects):
    """Every value held by a Secret of a render, decoded.

    Args: objects: list of rendered object dicts. Returns: set of str, values of ``data`` (base64
    decoded) and ``stringData``, longer than 3 characters (shorter ones would match by chance)."""
    values = set()
    for obj in objects:
        if obj["kind"] != "Secret":
            continue
        values |= {base64.b64decode(v).decode(errors="replace") for v in (obj.get("data") or {}).values()}
        values |= {str(v) for v in (obj.get("stringData") or {}).values()}
    return {v for v in values if len(v) > 3}


def exposed_strings(objects):
    """Every place of a render where a secret must never be.

    Args: objects: list of rendered object dicts. Yields: (where, text) str pairs, ``where`` naming
    the object and field ("ConfigMap/x data key", "Kind/x annotation k", "Kind/x container env NAME",
    "Kind/x container command"): ConfigMap data, annotations, literal env values, commands and args."""
    for obj in objects:
        name = f"{obj['kind']}/{obj['metadata']['name']}"
        if obj["kind"] == "ConfigMap":
            for key, text in (obj.get("data") or {}).items():
                yield f"{name} data {key}", text
        for key, text in (obj["metadata"].get("annotations") or {}).items():
            yield f"{name} annotation {key}", str(text)
        spec = obj.get("spec", {})
        pod = spec.get("template", {}).get("spec") if obj["kind"] != "Pod" else spec
        for c in (pod or {}).get("initContainers", []) + (pod or {}).get("containers", []):
            for e in c.get("env", []):
                if "value" in e:
                    yield f"{name} {c['name']} env {e['name']}", str(e["value"])
            yield f"{name} {c['name']} command", " ".join(c.get("command", []) + c.get("args", []))
