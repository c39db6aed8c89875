{{/*
Kerberos and HTTPS (security.*). Everything here renders nothing while
security.kerberos.enabled and security.tls.enabled are false, so the default
render is unchanged.

Paths inside the pods:
  /etc/krb5.conf                      krb5.conf (KRB5_CONFIG; Java reads /etc/krb5.conf on Linux)
  /etc/security/keytabs/<key>         keytab(s) from security.kerberos.keytab.existingSecret
  /etc/security/tls/<key>             keystore/truststore from security.tls.existingSecret
Hadoop reads the keytab path from ${env.KERBEROS_KEYTAB} and the store passwords from
${env.HDFS_*_PASSWORD} (Configuration variable substitution), so no path that depends on the
pod and no password is ever written into a ConfigMap.
*/}}

{{- define "hdfs.kerberos.enabled" -}}{{ if .Values.security.kerberos.enabled }}true{{ end }}{{- end -}}
{{- define "hdfs.tls.enabled" -}}{{ if .Values.security.tls.enabled }}true{{ end }}{{- end -}}
{{/* ZooKeeper SASL in use: Kerberos on, HA (ZKFC exists), zookeeperSasl. */}}
{{- define "hdfs.kerberos.zookeeperSasl" -}}
{{- if and .Values.security.kerberos.enabled .Values.ha.enabled .Values.security.kerberos.zookeeperSasl }}true{{ end -}}
{{- end -}}

{{/* "<primary>/_HOST@REALM". Usage: include "hdfs.kerberos.principal" (dict "primary" "hdfs" "context" $) */}}
{{- define "hdfs.kerberos.principal" -}}
{{- printf "%s/_HOST@%s" .primary .context.Values.security.kerberos.realm -}}
{{- end -}}

{{- define "hdfs.kerberos.krb5ConfigMapName" -}}
{{- default (printf "%s-krb5" (include "hdfs.fullname" .)) .Values.security.kerberos.krb5.existingConfigMap -}}
{{- end -}}
{{- define "hdfs.kerberos.krb5Key" -}}
{{- ternary .Values.security.kerberos.krb5.existingConfigMapKey "krb5.conf" (not (empty .Values.security.kerberos.krb5.existingConfigMap)) -}}
{{- end -}}

{{- define "hdfs.kerberos.keytabDir" -}}/etc/security/keytabs{{- end -}}
{{- define "hdfs.tls.dir" -}}/etc/security/tls{{- end -}}
{{/* JAAS files are written at start (they hold the pod's own principal) into the writable /tmp. */}}
{{- define "hdfs.kerberos.jaasFile" -}}/tmp/jaas/zookeeper-client.conf{{- end -}}

{{/*
JVM options of a ZooKeeper client (ZKFC, the format-claim CLI) with SASL: the JAAS "Client" section
written by the start script, the server principal's primary, and no reverse-DNS canonicalisation of
the server name (pods' reverse DNS names are not the names in the principals).
*/}}
{{- define "hdfs.kerberos.zookeeperClientOpts" -}}
{{- if include "hdfs.kerberos.zookeeperSasl" . -}}
-Djava.security.auth.login.config={{ include "hdfs.kerberos.jaasFile" . }} -Dzookeeper.sasl.client=true -Dzookeeper.sasl.client.username={{ .Values.security.kerberos.principals.zookeeper }} -Dzookeeper.sasl.client.canonicalize.hostname=false
{{- end -}}
{{- end -}}

{{/*
Kerberos environment of a container. Needs POD_NAME earlier in the env list (hdfs.env.common).
Usage: include "hdfs.security.env" (dict "primary" "hdfs" "headless" <service> "hostFromNode" false "context" $)
  primary:      principal primary of this container's own principal (KERBEROS_PRINCIPAL)
  headless:     headless Service of the pod: KERBEROS_PRINCIPAL = <primary>/<pod FQDN>@REALM
  host:         instead of headless: a fixed FQDN (the helm test pod logs in as NameNode 0's principal)
  keytabPod:    perHost keytab key prefix instead of the pod's own name (with host)
  hostFromNode: DaemonSet pods: per-host keytab "<node name>.keytab"
  noTls:        leave out the TLS store passwords (ZooKeeper)
*/}}
{{- define "hdfs.security.env" -}}
{{- $ctx := .context -}}
{{- $k := $ctx.Values.security.kerberos -}}
{{- if $k.enabled }}
- name: KERBEROS_ENABLED
  value: "true"
- name: KRB5_CONFIG
  value: /etc/krb5.conf
- name: KRB5CCNAME
  value: FILE:/tmp/krb5cc_hdfs
- name: KERBEROS_REALM
  value: {{ $k.realm | quote }}
{{- if .hostFromNode }}
- name: NODE_NAME
  valueFrom:
    fieldRef:
      fieldPath: spec.nodeName
{{- end }}
- name: KERBEROS_KEYTAB
  {{- if not $k.keytab.perHost }}
  value: {{ printf "%s/%s" (include "hdfs.kerberos.keytabDir" $ctx) $k.keytab.key | quote }}
  {{- else if .hostFromNode }}
  value: {{ printf "%s/$(NODE_NAME).keytab" (include "hdfs.kerberos.keytabDir" $ctx) | quote }}
  {{- else if .keytabPod }}
  value: {{ printf "%s/%s.keytab" (include "hdfs.kerberos.keytabDir" $ctx) .keytabPod | quote }}
  {{- else }}
  value: {{ printf "%s/$(POD_NAME).keytab" (include "hdfs.kerberos.keytabDir" $ctx) | quote }}
  {{- end }}
{{- if .host }}
- name: KERBEROS_PRINCIPAL
  value: {{ printf "%s/%s@%s" .primary .host $k.realm | quote }}
{{- else if .headless }}
- name: KERBEROS_PRINCIPAL
  value: {{ printf "%s/%s@%s" .primary (include "common.names.selfFqdn" (dict "service" .headless "context" $ctx)) $k.realm | quote }}
{{- end }}
{{- end }}
{{- if and $ctx.Values.security.tls.enabled (not .noTls) }}
{{- include "hdfs.tls.env" $ctx }}
{{- end }}
{{- end -}}

{{/*
Environment of the chart's own HDFS clients that act as the HDFS superuser (the helm test pod, the
directories Job): the user the NameNodes run as, and with Kerberos NameNode 0's principal and keytab.
*/}}
{{- define "hdfs.security.superuserEnv" -}}
{{- include "hdfs.security.env" (dict "primary" .Values.security.kerberos.principals.hdfs "host" (include "hdfs.namenode.host" (dict "ordinal" 0 "context" .)) "keytabPod" (printf "%s-0" (include "hdfs.namenode.fullname" .)) "context" .) -}}
{{- end -}}

{{/* Store passwords from the TLS Secret; Hadoop reads them through ${env.*} in ssl-server.xml/ssl-client.xml. */}}
{{- define "hdfs.tls.env" -}}
{{- $t := .Values.security.tls }}
- name: HDFS_KEYSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $t.existingSecret }}
      key: {{ $t.keystorePasswordKey }}
- name: HDFS_KEY_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $t.existingSecret }}
      key: {{ default $t.keystorePasswordKey $t.keyPasswordKey }}
- name: HDFS_TRUSTSTORE_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ $t.existingSecret }}
      key: {{ $t.truststorePasswordKey }}
- name: HDFS_TRUSTSTORE
  value: {{ printf "%s/%s" (include "hdfs.tls.dir" .) $t.truststoreKey | quote }}
- name: HDFS_STORE_TYPE
  value: {{ $t.storeType | quote }}
{{- end -}}

{{/* Volumes for Kerberos and TLS (none when both are off). */}}
{{- define "hdfs.security.volumes" -}}
{{- if .Values.security.kerberos.enabled }}
- name: krb5
  configMap:
    name: {{ include "hdfs.kerberos.krb5ConfigMapName" . }}
- name: keytabs
  secret:
    secretName: {{ .Values.security.kerberos.keytab.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- if .Values.security.tls.enabled }}
- name: tls
  secret:
    secretName: {{ .Values.security.tls.existingSecret }}
    defaultMode: 0440
{{- end }}
{{- end -}}

{{- define "hdfs.security.volumeMounts" -}}
{{- if .Values.security.kerberos.enabled }}
- name: krb5
  mountPath: /etc/krb5.conf
  subPath: {{ include "hdfs.kerberos.krb5Key" . }}
  readOnly: true
- name: keytabs
  mountPath: {{ include "hdfs.kerberos.keytabDir" . }}
  readOnly: true
{{- end }}
{{- if .Values.security.tls.enabled }}
- name: tls
  mountPath: {{ include "hdfs.tls.dir" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Name of the web port a component serves: https with TLS, else http. */}}
{{- define "hdfs.webPortName" -}}{{ ternary "https" "http" (not (empty .Values.security.tls.enabled)) }}{{- end -}}

{{/*
Liveness/startup probe action on a component's web port: /jmx over HTTP, over HTTPS with TLS (the
kubelet does not verify certificates), and a TCP check of the HTTPS port when the web UIs require
SPNEGO (the kubelet cannot authenticate).
*/}}
{{- define "hdfs.probe.web" -}}
{{- if and .Values.security.tls.enabled (eq .Values.security.kerberos.httpAuthentication "kerberos") .Values.security.kerberos.enabled -}}
tcpSocket:
  port: https
{{- else -}}
httpGet:
  path: /jmx?qry=java.lang:type=Runtime
  port: {{ include "hdfs.webPortName" . }}
  {{- if .Values.security.tls.enabled }}
  scheme: HTTPS
  {{- end }}
{{- end -}}
{{- end -}}

{{/* core-site.xml properties of Kerberos (dict; empty when off). */}}
{{- define "hdfs.kerberos.coreSite" -}}
{{- $k := .Values.security.kerberos -}}
{{- if $k.enabled -}}
hadoop.security.authentication: kerberos
hadoop.security.authorization: "true"
hadoop.rpc.protection: {{ $k.rpcProtection }}
hadoop.http.authentication.type: {{ $k.httpAuthentication }}
{{- if eq $k.httpAuthentication "kerberos" }}
hadoop.http.filter.initializers: org.apache.hadoop.security.AuthenticationFilterInitializer
hadoop.http.authentication.simple.anonymous.allowed: "false"
hadoop.http.authentication.kerberos.principal: {{ include "hdfs.kerberos.principal" (dict "primary" $k.principals.http "context" .) | quote }}
hadoop.http.authentication.kerberos.keytab: "${env.KERBEROS_KEYTAB}"
{{- end }}
{{- if include "hdfs.kerberos.zookeeperSasl" . }}
ha.zookeeper.acl: {{ printf "sasl:%s:rwcda" $k.principals.hdfs | quote }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* hdfs-site.xml properties of Kerberos and TLS (dict; empty when both are off). */}}
{{- define "hdfs.security.hdfsSite" -}}
{{- $k := .Values.security.kerberos -}}
{{- if $k.enabled -}}
{{- $hdfs := include "hdfs.kerberos.principal" (dict "primary" $k.principals.hdfs "context" .) -}}
{{- $http := include "hdfs.kerberos.principal" (dict "primary" $k.principals.http "context" .) }}
dfs.block.access.token.enable: "true"
dfs.data.transfer.protection: {{ $k.dataTransferProtection }}
dfs.namenode.kerberos.principal: {{ $hdfs | quote }}
dfs.namenode.keytab.file: "${env.KERBEROS_KEYTAB}"
dfs.namenode.kerberos.internal.spnego.principal: {{ $http | quote }}
dfs.secondary.namenode.kerberos.principal: {{ $hdfs | quote }}
dfs.journalnode.kerberos.principal: {{ $hdfs | quote }}
dfs.journalnode.keytab.file: "${env.KERBEROS_KEYTAB}"
dfs.journalnode.kerberos.internal.spnego.principal: {{ $http | quote }}
dfs.datanode.kerberos.principal: {{ $hdfs | quote }}
dfs.datanode.keytab.file: "${env.KERBEROS_KEYTAB}"
dfs.web.authentication.kerberos.principal: {{ $http | quote }}
dfs.web.authentication.kerberos.keytab: "${env.KERBEROS_KEYTAB}"
{{- end }}
{{- if .Values.security.tls.enabled }}
dfs.http.policy: HTTPS_ONLY
dfs.datanode.https.address: {{ printf "0.0.0.0:%d" (int .Values.datanode.ports.https) | quote }}
dfs.journalnode.https-address: {{ printf "0.0.0.0:%d" (int .Values.journalnode.service.ports.https) | quote }}
{{- end }}
{{- end -}}

{{/* ssl-server.xml (daemons) and ssl-client.xml (clients) properties; passwords come from the env. */}}
{{- define "hdfs.tls.sslServer" -}}
{{- $t := .Values.security.tls -}}
ssl.server.keystore.location: {{ printf "%s/%s" (include "hdfs.tls.dir" .) $t.keystoreKey | quote }}
ssl.server.keystore.password: "${env.HDFS_KEYSTORE_PASSWORD}"
ssl.server.keystore.keypassword: "${env.HDFS_KEY_PASSWORD}"
ssl.server.keystore.type: {{ $t.storeType }}
ssl.server.truststore.location: {{ printf "%s/%s" (include "hdfs.tls.dir" .) $t.truststoreKey | quote }}
ssl.server.truststore.password: "${env.HDFS_TRUSTSTORE_PASSWORD}"
ssl.server.truststore.type: {{ $t.storeType }}
{{- end -}}
{{- define "hdfs.tls.sslClient" -}}
{{- $t := .Values.security.tls -}}
ssl.client.truststore.location: {{ printf "%s/%s" (include "hdfs.tls.dir" .) $t.truststoreKey | quote }}
ssl.client.truststore.password: "${env.HDFS_TRUSTSTORE_PASSWORD}"
ssl.client.truststore.type: {{ $t.storeType }}
{{- end -}}
