{{/*
Kerberos client of the chart's drivers (kerberos.*), for reading a Kerberos-secured HDFS.
Zeppelin, RStudio and the helm test pod mount the keytab at /etc/security/keytabs and krb5.conf at
/etc/krb5.conf; spark-defaults.conf names the principal and keytab (spark.kerberos.*), so
spark-submit logs the driver in from the keytab. Masters and workers get nothing: in standalone
mode Spark 3.5 hands no delegation tokens to executors (see "Kerberos" in the chart README).
*/}}
{{- define "spark.kerberos.keytabDir" -}}/etc/security/keytabs{{- end -}}
{{- define "spark.kerberos.keytabPath" -}}{{ printf "%s/%s" (include "spark.kerberos.keytabDir" .) .Values.kerberos.keytab.key }}{{- end -}}

{{/* spark-defaults.conf properties (YAML map; empty when off). */}}
{{- define "spark.kerberos.properties" -}}
{{- with .Values.kerberos -}}
{{- if .enabled -}}
spark.kerberos.principal: {{ .principal | quote }}
spark.kerberos.keytab: {{ include "spark.kerberos.keytabPath" $ | quote }}
{{- with .accessHadoopFileSystems }}
spark.kerberos.access.hadoopFileSystems: {{ join "," . | quote }}
{{- end }}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "spark.kerberos.env" -}}
{{- if .Values.kerberos.enabled }}
- name: KRB5_CONFIG
  value: /etc/krb5.conf
{{- end }}
{{- end -}}

{{- define "spark.kerberos.volumes" -}}
{{- if .Values.kerberos.enabled }}
- name: krb5
  configMap:
    name: {{ .Values.kerberos.krb5.configMap }}
- name: keytab
  secret:
    secretName: {{ .Values.kerberos.keytab.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "spark.kerberos.volumeMounts" -}}
{{- if .Values.kerberos.enabled }}
- name: krb5
  mountPath: /etc/krb5.conf
  subPath: {{ .Values.kerberos.krb5.key }}
  readOnly: true
- name: keytab
  mountPath: {{ include "spark.kerberos.keytabDir" . }}
  readOnly: true
{{- end }}
{{- end -}}
