{{/*
Fails the render with every semantic problem at once.
Each message reads "path.to.value: what is wrong (what is allowed)", the same
form tools/lint_values.py prints.
Usage: include "common.validate.fail" (list "a: ..." "b: ...")
*/}}
{{- define "common.validate.fail" -}}
{{- $msgs := without . "" -}}
{{- if $msgs -}}
{{- fail (printf "\n\nVALUES VALIDATION:\n%s\n" (join "\n" $msgs)) -}}
{{- end -}}
{{- end -}}

{{/*
"" when n is odd, else a message for path.
Usage: include "common.validate.odd" (dict "path" "zookeeper.replicaCount" "value" 3 "what" "the ensemble" "allowed" "1, 3, 5, ...")
*/}}
{{- define "common.validate.odd" -}}
{{- if eq (mod (int .value) 2) 0 -}}
{{- printf "%s: must be odd so %s keeps a majority (got %d) (%s)" .path .what (int .value) .allowed -}}
{{- end -}}
{{- end -}}

{{/*
"" when the container memory limit of a component is set, else a message.
Usage: include "common.validate.memoryLimit" (dict "path" "namenode" "resources" .Values.namenode.resources)
*/}}
{{- define "common.validate.memoryLimit" -}}
{{- $limits := (.resources | default dict).limits | default dict -}}
{{- if not $limits.memory -}}
{{- printf "%s.resources.limits.memory: is required: the JVM heap is sized from the container memory limit (a quantity such as 2Gi)" .path -}}
{{- end -}}
{{- end -}}
