{{/*
Value (base64, as stored in Secret.data) of a generated secret that must survive upgrades:
"value" when given (a user-supplied string), else the value already stored under "key" in the
Secret "name" of the release namespace (read back with lookup on install/upgrade), else a new random
alphanumeric string of "length" characters. Without a cluster to look in (helm template,
--dry-run=client) a new random value is rendered each time.
Usage: include "common.secrets.persistentValue" (dict "name" "x-auth" "key" "secret" "length" 32 "value" "" "context" $)
*/}}
{{- define "common.secrets.persistentValue" -}}
{{- if .value -}}
{{- .value | toString | b64enc -}}
{{- else -}}
{{- $existing := lookup "v1" "Secret" (include "common.names.namespace" .context) .name -}}
{{- if and $existing $existing.data (hasKey $existing.data .key) -}}
{{- index $existing.data .key -}}
{{- else -}}
{{- randAlphaNum (int .length) | b64enc -}}
{{- end -}}
{{- end -}}
{{- end -}}
