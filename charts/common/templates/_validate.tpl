{{/*
Ends the render with every semantic problem at once. Each message reads
"path.to.value: what is wrong (what is allowed)"; tools/lint_values.py prints the same lines with the
file, line and column of the value.

global.valuesValidation selects what a violation does:
  fail (default)  the render fails: helm install/upgrade/template stop with "VALUES VALIDATION:" and
                  the list, before any object reaches the cluster.
  report          the render succeeds and carries the list as one ValuesValidationReport object per
                  chart (kind of the group values-validation.bigdata-charts.local, which no cluster
                  serves, so an install with violations still fails). tools/lint_values.py renders
                  this way to get the problems of the umbrella and all its subcharts in one render:
                  Helm stops at the first failing template.
These templates are the only implementation of the rules: each chart's templates/validate.yaml
(and the helpers below) carries the rationale and source of every rule in the comment above it.
Usage: include "common.validate.fail" (dict "messages" $msgs "context" $)
*/}}
{{- define "common.validate.fail" -}}
{{- $msgs := without .messages "" -}}
{{- if $msgs -}}
{{- $mode := toString (dig "valuesValidation" "fail" (.context.Values.global | default dict)) -}}
{{- if eq $mode "report" -}}
apiVersion: values-validation.bigdata-charts.local/v1
kind: ValuesValidationReport
metadata:
  name: {{ .context.Chart.Name | quote }}
template: {{ .context.Template.Name | quote }}
problems:
{{- range $msgs }}
  - {{ . | quote }}
{{- end }}
{{- else -}}
{{- fail (printf "\n\nVALUES VALIDATION:\n%s\n" (join "\n" $msgs)) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
"" when n is odd, else a message for path. A quorum (ZooKeeper ensemble, quorum journal, Raft
journal) works while a majority, n/2 + 1, of its n members is up: n = 2k tolerates k - 1 failures, no
more than 2k - 1 members do, and can split into two halves neither of which has a majority.
Usage: include "common.validate.odd" (dict "path" "zookeeper.replicaCount" "value" 3 "what" "the ensemble" "allowed" "1, 3, 5, ...")
*/}}
{{- define "common.validate.odd" -}}
{{- if eq (mod (int .value) 2) 0 -}}
{{- printf "%s: must be odd so %s keeps a majority (got %d) (%s)" .path .what (int .value) .allowed -}}
{{- end -}}
{{- end -}}

{{/*
"" when the container memory limit of a component is set, else a message. The charts' JVMs size their
heap as a share of the container memory limit (-XX:MaxRAMPercentage), so without a limit a JVM would
take that share of the whole node's memory. An empty or 0 limit counts as unset.
Usage: include "common.validate.memoryLimit" (dict "path" "namenode" "resources" .Values.namenode.resources)
*/}}
{{- define "common.validate.memoryLimit" -}}
{{- $limits := (.resources | default dict).limits | default dict -}}
{{- if not $limits.memory -}}
{{- printf "%s.resources.limits.memory: is required: the JVM heap is sized from the container memory limit (a quantity such as 2Gi)" .path -}}
{{- end -}}
{{- end -}}

{{/*
"" when a PodDisruptionBudget keeps a quorum's majority, else a message: the pods it lets be evicted
at once (maxUnavailable wins when set; percentages round up, as the disruption controller does) must
leave a majority of replicaCount. A single member is not checked (no budget keeps its majority).
Sources: policy/v1 PodDisruptionBudget, where maxUnavailable wins when both are set (common.pdb in
_pdb.tpl then renders only maxUnavailable); a percentage is scaled with rounding up
(k8s.io/apimachinery intstr.GetScaledValueFromIntOrPercent with roundUp true, as the disruption
controller calls it); a quorum of n members needs n/2 + 1 of them up, so at most n - (n/2 + 1) may be
evicted at once. Fewer than 3 members are skipped: 1 cannot keep a majority through any eviction, and
2 is refused by the odd-count rules.
Usage: include "common.validate.pdbQuorum" (dict "path" "zookeeper" "values" .Values.zookeeper "members" "servers" "what" "the ensemble")
*/}}
{{- define "common.validate.pdbQuorum" -}}
{{- $n := int .values.replicaCount -}}
{{- $pdb := .values.pdb -}}
{{- $spare := sub $n (add (div $n 2) 1) -}}
{{- if and $pdb.create (ge $n 3) -}}
{{- $key := ternary "minAvailable" "maxUnavailable" (kindIs "invalid" $pdb.maxUnavailable) -}}
{{- $raw := toString (index $pdb $key) -}}
{{- $amount := 0 -}}
{{- if hasSuffix "%" $raw -}}
{{- $amount = int (ceil (divf (mul (int (trimSuffix "%" $raw)) $n) 100.0)) -}}
{{- else -}}
{{- $amount = int $raw -}}
{{- end -}}
{{- $evictable := ternary (sub $n $amount) $amount (eq $key "minAvailable") -}}
{{- if gt (int $evictable) $spare -}}
{{- if eq $key "maxUnavailable" -}}
{{- printf "%s.pdb.maxUnavailable: %s lets %d of %d %s be evicted at once, which breaks %s's majority of %d (at most %d)" .path $raw (int $evictable) $n .members .what (add (div $n 2) 1) $spare -}}
{{- else -}}
{{- printf "%s.pdb.minAvailable: %s lets %d of %d %s be evicted at once, which breaks %s's majority of %d (at least %d)" .path $raw (int $evictable) $n .members .what (add (div $n 2) 1) (add (div $n 2) 1) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Messages (one per line) for memory quantities written in millibytes: "2048m" is 2.048 bytes (the
suffix m is 1/1000), which Kubernetes accepts and no JVM survives. Walks every "resources" map below
.value (limits and requests). Source: k8s.io/apimachinery resource.Quantity, where the decimal suffix
m is 10^-3 and mebibytes are Mi. Whether a quantity is valid and positive at all is the schema's to
report (its quantity pattern), not a rule.
Usage: splitList "\n" (include "common.validate.memoryUnits" (dict "path" "" "value" .Values))
*/}}
{{- define "common.validate.memoryUnits" -}}
{{- $out := list -}}
{{- range $key, $val := .value -}}
{{- $p := ternary $key (printf "%s.%s" $.path $key) (eq $.path "") -}}
{{- if kindIs "map" $val -}}
{{- if eq $key "resources" -}}
{{- range $section := list "limits" "requests" -}}
{{- $entries := get $val $section -}}
{{- if kindIs "map" $entries -}}
{{- $m := get $entries "memory" -}}
{{- if and (kindIs "string" $m) (regexMatch "^[0-9]+(\\.[0-9]*)?m$" $m) -}}
{{- $out = append $out (printf "%s.%s.memory: '%s' is %s millibytes (the suffix m is 1/1000 of a byte); mebibytes are written Mi (a quantity such as %sMi)" $p $section $m (trimSuffix "m" $m) (trimSuffix "m" $m)) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- else -}}
{{- $sub := include "common.validate.memoryUnits" (dict "path" $p "value" $val) -}}
{{- if $sub -}}{{- $out = append $out $sub -}}{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- join "\n" $out -}}
{{- end -}}

{{/*
Messages (one per line) for a comma-separated host:port list such as a ZooKeeper connect string
(what ZooKeeper's ConnectStringParser and Curator accept: each trimmed entry a DNS name or address
and a port of at most 5 digits). "" when every entry is host:port.
Usage: splitList "\n" (include "common.validate.hostPorts" (dict "path" "zookeeper.quorum" "value" $v.zookeeper.quorum))
*/}}
{{- define "common.validate.hostPorts" -}}
{{- $out := list -}}
{{- range (splitList "," (toString .value)) -}}
{{- if not (regexMatch "^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?:[0-9]{1,5}$" (trim .)) -}}
{{- $out = append $out (printf "%s: entry '%s' is not host:port (host:port[,host:port...])" $.path .) -}}
{{- end -}}
{{- end -}}
{{- join "\n" $out -}}
{{- end -}}

{{/*
"" when a removed values key is unset, else a message naming the key of configOverrides it moved to
(one idiom for extra daemon properties in every chart: configOverrides.<file>).
Usage: include "common.validate.movedToConfigOverrides" (dict "path" "coreSite" "value" $v.coreSite "file" "core-site.xml")
*/}}
{{- define "common.validate.movedToConfigOverrides" -}}
{{- if .value -}}
{{- printf "%s: moved to configOverrides.%s (configOverrides: {%s: {...}})" .path .file .file -}}
{{- end -}}
{{- end -}}

{{/*
"" unless a chart installed on its own (not as a subchart of an umbrella release) is given
global.stack: that map is filled by an umbrella chart from its subcharts' exports (import-values);
set by hand on a chart alone it would wire the chart to siblings that do not exist.
Usage: include "common.validate.standaloneStack" $
*/}}
{{- define "common.validate.standaloneStack" -}}
{{- if and (not (contains "/charts/" .Template.Name)) ((.Values.global | default dict).stack) -}}
{{- print "global.stack: is filled by an umbrella chart for its subcharts; a chart installed alone has no siblings to wire to (unset)" -}}
{{- end -}}
{{- end -}}
