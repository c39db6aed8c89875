{{/*
Data locality of a stack release (global.locality). Spark schedules a task NODE_LOCAL only when an
executor's host string equals a host of the task's input blocks, as HDFS (DatanodeInfo hostName) and
Alluxio (the worker's registered hostname) report them (Spark TaskSetManager matches the strings; it
resolves nothing). On the pod network the three never agree: every pod has its own address and name.
In locality mode the pods that hold or read blocks (DataNodes, Spark workers and their executors,
Alluxio workers) run in their node's network namespace and all name themselves by the node's IP
(status.hostIP), which needs no node DNS.
*/}}

{{/* "true" in locality mode (global.locality.enabled), else empty. */}}
{{- define "common.locality.enabled" -}}
{{- if ((.Values.global | default dict).locality | default dict).enabled -}}true{{- end -}}
{{- end -}}

{{/*
"true" when a component runs in its node's network namespace: its own hostNetwork value, or
locality mode. Usage: include "common.locality.hostNetwork" (dict "value" .Values.datanode.hostNetwork "context" $)
*/}}
{{- define "common.locality.hostNetwork" -}}
{{- if or .value (include "common.locality.enabled" .context) -}}true{{- end -}}
{{- end -}}

{{/*
CIDRs of the nodes whose host-network pods this chart's NetworkPolicies admit: the chart's
networkPolicy.nodeCIDRs and global.locality.nodeCIDRs, without duplicates. A YAML list (maybe empty).
*/}}
{{- define "common.networkPolicy.nodeCIDRs" -}}
{{- $np := .Values.networkPolicy | default dict -}}
{{- $global := ((.Values.global | default dict).locality | default dict).nodeCIDRs | default list -}}
{{- toYaml (concat ($np.nodeCIDRs | default list) $global | uniq) -}}
{{- end -}}

{{/*
Rule admitting host-network pods, seen by NetworkPolicies with their node's address (no pod selector
matches them; Kubernetes documents NetworkPolicy behaviour for host-network pods as undefined except
that node addresses apply): the ports accept common.networkPolicy.nodeCIDRs, or every source when it
is empty (the chart's NOTES warn then). "who" names the pods in the rendered comment.
Usage: include "common.networkPolicy.rule.nodes" (dict "ports" (list "rpc") "who" "Host-network DataNodes" "context" $)
*/}}
{{- define "common.networkPolicy.rule.nodes" -}}
{{- $cidrs := include "common.networkPolicy.nodeCIDRs" .context | fromYamlArray -}}
{{- if $cidrs -}}
{{- $blocks := list -}}
{{- range $cidrs }}{{ $blocks = append $blocks (dict "ipBlock" (dict "cidr" .)) }}{{ end -}}
{{- include "common.networkPolicy.rule" (dict "ports" .ports "peers" (toYaml $blocks)) -}}
{{- else -}}
{{- printf "# %s: any source (set networkPolicy.nodeCIDRs or global.locality.nodeCIDRs to narrow it).\n- ports:%s" .who (include "common.networkPolicy.ports" .ports | trim | nindent 4) -}}
{{- end -}}
{{- end -}}
