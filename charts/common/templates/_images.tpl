{{/*
Full image reference from an image block {registry, repository, tag, digest}.
global.imageRegistry wins over image.registry; a digest wins over the tag.
Usage: include "common.images.image" (dict "image" .Values.image "context" $)
*/}}
{{- define "common.images.image" -}}
{{- $global := .context.Values.global | default dict -}}
{{- $registry := default .image.registry $global.imageRegistry -}}
{{- $ref := .image.repository -}}
{{- if $registry -}}{{- $ref = printf "%s/%s" $registry $ref -}}{{- end -}}
{{- if .image.digest -}}
{{- printf "%s@%s" $ref .image.digest -}}
{{- else -}}
{{- printf "%s:%s" $ref (toString (default .context.Chart.AppVersion .image.tag)) -}}
{{- end -}}
{{- end -}}

{{/*
imagePullSecrets from global.imagePullSecrets plus the chart's imagePullSecrets
(names or {name: x} maps).
Usage: include "common.images.pullSecrets" $
*/}}
{{- define "common.images.pullSecrets" -}}
{{- $global := .Values.global | default dict -}}
{{- $names := list -}}
{{- range (concat ($global.imagePullSecrets | default list) (.Values.imagePullSecrets | default list)) -}}
{{- if kindIs "map" . -}}{{- $names = append $names .name -}}{{- else -}}{{- $names = append $names . -}}{{- end -}}
{{- end -}}
{{- with ($names | uniq) }}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end }}
{{- end -}}
