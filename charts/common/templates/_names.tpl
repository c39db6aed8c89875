{{/*
Names. All names are truncated to 63 characters (DNS-1123 label limit) and
stripped of a trailing dash.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "common.names.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* "name-version" for the helm.sh/chart label. */}}
{{- define "common.names.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified release name: fullnameOverride, else the release name when it
already contains the chart name, else "release-chart".
*/}}
{{- define "common.names.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Name of one component's objects: "<fullname>-<component>".
Usage: include "common.names.component" (dict "component" "namenode" "context" $)
*/}}
{{- define "common.names.component" -}}
{{- printf "%s-%s" (include "common.names.fullname" .context) .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Release namespace. */}}
{{- define "common.names.namespace" -}}
{{- .Release.Namespace -}}
{{- end -}}

{{/* Cluster DNS domain: global.clusterDomain, else clusterDomain, else cluster.local. */}}
{{- define "common.names.clusterDomain" -}}
{{- $global := .Values.global | default dict -}}
{{- default (default "cluster.local" .Values.clusterDomain) $global.clusterDomain -}}
{{- end -}}

{{/*
Stable DNS name of one StatefulSet pod:
<statefulset>-<ordinal>.<headless service>.<namespace>.svc.<cluster domain>
Usage: include "common.names.podFqdn" (dict "statefulset" "x" "service" "x-headless" "ordinal" 0 "context" $)
*/}}
{{/*
The DNS name a StatefulSet pod gives itself, "$(POD_NAME).<service>.<namespace>.svc.<clusterDomain>",
for container env and args (the kubelet expands $(POD_NAME) from the downward API variable POD_NAME).
Usage: include "common.names.selfFqdn" (dict "service" <headless Service name> "context" $)
*/}}
{{- define "common.names.selfFqdn" -}}
{{- printf "$(POD_NAME).%s.%s.svc.%s" .service (include "common.names.namespace" .context) (include "common.names.clusterDomain" .context) -}}
{{- end -}}

{{- define "common.names.podFqdn" -}}
{{- printf "%s-%d.%s.%s.svc.%s" .statefulset (int .ordinal) .service (include "common.names.namespace" .context) (include "common.names.clusterDomain" .context) -}}
{{- end -}}

{{/*
Comma/semicolon separated "fqdn:port" list of every pod of a StatefulSet.
Usage: include "common.names.podAddressList" (dict "statefulset" "x" "service" "x-headless" "replicas" 3 "port" 8485 "separator" ";" "context" $)
*/}}
{{- define "common.names.podAddressList" -}}
{{- $items := list -}}
{{- range $i := until (int .replicas) -}}
{{- $host := include "common.names.podFqdn" (dict "statefulset" $.statefulset "service" $.service "ordinal" $i "context" $.context) -}}
{{- $items = append $items (printf "%s:%d" $host (int $.port)) -}}
{{- end -}}
{{- join (default "," .separator) $items -}}
{{- end -}}
