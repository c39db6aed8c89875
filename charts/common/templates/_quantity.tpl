{{/*
Kubernetes quantities in templates (k8s.io/apimachinery resource.Quantity suffixes:
binary Ki..Ei, decimal k..E, milli m, or an exponent such as 1e3).

common.quantity.float: the value as a decimal string ("2Gi" -> "2147483648", "500m" -> "0.5").
common.quantity.mebibytes: whole MiB, rounded down ("1.5Gi" -> "1536").
common.quantity.bytes: whole bytes ("10Gi" -> "10737418240").
Usage: include "common.quantity.mebibytes" "4Gi"
*/}}
{{- define "common.quantity.float" -}}
{{- $q := toString . | trim -}}
{{- $num := regexFind "^([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][0-9]+)?" $q -}}
{{- $suffix := trimPrefix $num $q -}}
{{- $mult := dict "" 1.0 "m" 0.001 "k" 1e3 "M" 1e6 "G" 1e9 "T" 1e12 "P" 1e15 "E" 1e18 "Ki" 1024.0 "Mi" 1048576.0 "Gi" 1073741824.0 "Ti" 1099511627776.0 "Pi" 1125899906842624.0 "Ei" 1152921504606846976.0 -}}
{{- if or (not $num) (not (hasKey $mult $suffix)) -}}
{{- fail (printf "'%s' is not a Kubernetes quantity" $q) -}}
{{- end -}}
{{- mulf (float64 $num) (get $mult $suffix) -}}
{{- end -}}

{{- define "common.quantity.bytes" -}}
{{- printf "%.0f" (floor (include "common.quantity.float" . | float64)) -}}
{{- end -}}

{{- define "common.quantity.mebibytes" -}}
{{- printf "%.0f" (floor (divf (include "common.quantity.float" . | float64) 1048576.0)) -}}
{{- end -}}
