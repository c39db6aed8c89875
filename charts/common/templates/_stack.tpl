{{/*
Wiring between the charts of one release of the stack (charts/umbrella).

The umbrella imports each enabled chart's exports.stack into global.stack.<chart> (Helm
import-values, charts/umbrella/Chart.yaml): global.stack.<chart>.enabled is true exactly when
<chart>.enabled, the one flag per chart. A chart reads these to find its siblings of the same
release. Sibling names follow the default naming of
common.names.fullname for that chart; the umbrella's validation demands explicit wiring values
whenever a sibling's naming or shape differs from what these helpers assume.
*/}}

{{/* "true" when the sibling chart is part of this release. Usage: include "common.stack.enabled" (dict "chart" "hdfs" "context" $) */}}
{{- define "common.stack.enabled" -}}
{{- $global := .context.Values.global | default dict -}}
{{- $stack := $global.stack | default dict -}}
{{- $entry := get $stack .chart -}}
{{- if and (kindIs "map" $entry) $entry.enabled }}true{{ end -}}
{{- end -}}

{{/* Default fullname of a sibling chart in this release (common.names.fullname with its chart name). */}}
{{- define "common.stack.fullname" -}}
{{- if contains .chart .context.Release.Name -}}
{{- .context.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .context.Release.Name .chart | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* HDFS client ConfigMap (core-site.xml, hdfs-site.xml) of this release's hdfs chart. */}}
{{- define "common.stack.hdfs.configMapName" -}}
{{- printf "%s-config" (include "common.stack.fullname" (dict "chart" "hdfs" "context" .)) -}}
{{- end -}}

{{/* HDFS nameservice of this release's hdfs chart (its default: the hdfs fullname). */}}
{{- define "common.stack.hdfs.nameservice" -}}
{{- include "common.stack.fullname" (dict "chart" "hdfs" "context" .) -}}
{{- end -}}

{{/* host:port of the client Service of the ZooKeeper bundled with this release's hdfs chart. */}}
{{- define "common.stack.hdfs.zookeeper" -}}
{{- printf "%s-zookeeper.%s.svc.%s:2181" (include "common.stack.fullname" (dict "chart" "hdfs" "context" .)) .Release.Namespace (include "common.names.clusterDomain" .) -}}
{{- end -}}

{{/* host:port of the Alluxio master client Service of this release's alluxio chart. */}}
{{- define "common.stack.alluxio.master" -}}
{{- printf "%s-master.%s.svc.%s:19998" (include "common.stack.fullname" (dict "chart" "alluxio" "context" .)) .Release.Namespace (include "common.names.clusterDomain" .) -}}
{{- end -}}

{{/*
Preferred pod affinity to the DataNodes of this release (data locality): a weighted term for
common.pod.scheduling's "podAffinity" list; empty when the release has no hdfs chart.
Usage: include "common.stack.dataNodeAffinity" (dict "weight" 50 "context" $)
*/}}
{{- define "common.stack.dataNodeAffinity" -}}
{{- if include "common.stack.enabled" (dict "chart" "hdfs" "context" .context) -}}
- weight: {{ .weight | default 50 }}
  podAffinityTerm:
    topologyKey: kubernetes.io/hostname
    labelSelector:
      matchLabels:
        app.kubernetes.io/name: hdfs
        app.kubernetes.io/instance: {{ .context.Release.Name }}
        app.kubernetes.io/component: datanode
{{- end -}}
{{- end -}}

{{/*
NetworkPolicy wiring: labels that make a pod of this chart a client of the listed sibling charts of
this release ("<sibling fullname>-client: true", the label common.networkPolicy.rule.clients of
that chart accepts). Renders one "key: value" line per sibling in the release, nothing otherwise.
Usage: include "common.stack.clientLabels" (dict "charts" (list "hdfs" "alluxio") "context" $)
*/}}
{{- define "common.stack.clientLabels" -}}
{{- range .charts }}
{{- if include "common.stack.enabled" (dict "chart" . "context" $.context) }}
{{ printf "%s-client" (include "common.stack.fullname" (dict "chart" . "context" $.context)) }}: "true"
{{- end }}
{{- end }}
{{- end -}}

{{/*
Label that lets a pod reach the ZooKeeper bundled with this release's hdfs chart (its NetworkPolicy
accepts "<hdfs fullname>-zookeeper-client: true"), e.g. Spark masters recovering through it.
*/}}
{{- define "common.stack.hdfs.zookeeperClientLabel" -}}
{{- printf "%s-zookeeper-client" (include "common.stack.fullname" (dict "chart" "hdfs" "context" .)) -}}
{{- end -}}
