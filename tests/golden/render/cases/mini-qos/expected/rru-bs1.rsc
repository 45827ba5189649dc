# countynet-rendered rru-bs1 (routeros): do not edit, run `countynet render`
# packages: wifi
/interface bridge
add comment="lo" name=loopback protocol-mode=none
/interface ethernet
set [ find default-name=ether1 ] comment="mgmt0: out-of-band management"
set [ find default-name=ether2 ] comment="up0: fibre to rru-hub"
/interface wifi security
add authentication-types=wpa2-psk encryption=ccmp name=cn-s1 passphrase="{{secret:env:COUNTYNET_WIFI_PSK}}"
add authentication-types=wpa2-psk encryption=ccmp name=cn-s2 passphrase="{{secret:env:COUNTYNET_WIFI_PSK}}"
/interface wifi
set [ find default-name=wifi1 ] channel.band=5ghz-ac channel.frequency=5745 channel.width=20mhz comment="sec-s1" configuration.country=Kenya configuration.installation=outdoor configuration.mode=ap configuration.ssid="rru-bs1-s1" configuration.tx-power=12 disabled=no security=cn-s1
set [ find default-name=wifi2 ] channel.band=5ghz-ac channel.frequency=5785 channel.width=20mhz comment="sec-s2" configuration.country=Kenya configuration.installation=outdoor configuration.mode=ap configuration.ssid="rru-bs1-s2" configuration.tx-power=12 disabled=no security=cn-s2
/queue tree
add comment="qos sec-s1: 64.5 Mbit/s planned" max-limit=61200k name=qos-sec-s1 parent=wifi1
add limit-at=18360k max-limit=61200k name=qos-sec-s1-critical packet-mark=cn-critical parent=qos-sec-s1 priority=1
add limit-at=18360k max-limit=61200k name=qos-sec-s1-business packet-mark=cn-business parent=qos-sec-s1 priority=2
add limit-at=24480k max-limit=61200k name=qos-sec-s1-default packet-mark=no-mark parent=qos-sec-s1 priority=3
add comment="qos sec-s2: 48.4 Mbit/s planned" max-limit=45900k name=qos-sec-s2 parent=wifi2
add limit-at=13770k max-limit=45900k name=qos-sec-s2-critical packet-mark=cn-critical parent=qos-sec-s2 priority=1
add limit-at=13770k max-limit=45900k name=qos-sec-s2-business packet-mark=cn-business parent=qos-sec-s2 priority=2
add limit-at=18360k max-limit=45900k name=qos-sec-s2-default packet-mark=no-mark parent=qos-sec-s2 priority=3
/routing ospf instance
add name=default-v2 router-id=10.100.0.1 version=2
/routing ospf area
add area-id=0.0.0.0 instance=default-v2 name=backbone
/ip address
add address=10.100.0.1/32 comment="lo" interface=loopback
add address=172.28.90.10/24 comment="mgmt0" interface=ether1
add address=10.100.1.1/31 comment="up0" interface=ether2
add address=10.100.2.1/26 comment="sec-s1" interface=wifi1
add address=10.100.2.65/26 comment="sec-s2" interface=wifi2
/ip dns
set allow-remote-requests=no servers=10.250.60.53
/ip firewall filter
add chain=input protocol=tcp dst-port=22 src-address=172.28.90.0/24 action=accept comment="ssh from management"
add chain=input protocol=tcp dst-port=22 action=drop comment="ssh from elsewhere"
/ip firewall mangle
add chain=forward protocol=tcp dst-address=10.250.20.0/24 dst-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos hrmis to 10.250.20.0/24"
add chain=forward protocol=tcp src-address=10.250.20.0/24 src-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos hrmis from 10.250.20.0/24"
add chain=forward protocol=tcp dst-address=10.250.10.0/24 dst-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos ifmis to 10.250.10.0/24"
add chain=forward protocol=tcp src-address=10.250.10.0/24 src-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos ifmis from 10.250.10.0/24"
add chain=forward protocol=tcp dst-address=10.250.40.0/24 dst-port=443,8443 action=mark-packet new-packet-mark=cn-business passthrough=no comment="qos iprs to 10.250.40.0/24"
add chain=forward protocol=tcp src-address=10.250.40.0/24 src-port=443,8443 action=mark-packet new-packet-mark=cn-business passthrough=no comment="qos iprs from 10.250.40.0/24"
add chain=forward protocol=tcp dst-address=10.250.30.0/24 dst-port=443 action=mark-packet new-packet-mark=cn-business passthrough=no comment="qos tsc to 10.250.30.0/24"
add chain=forward protocol=tcp src-address=10.250.30.0/24 src-port=443 action=mark-packet new-packet-mark=cn-business passthrough=no comment="qos tsc from 10.250.30.0/24"
/ip service
set telnet disabled=yes
set ftp disabled=yes
set www disabled=yes
set ssh address=172.28.90.0/24
set www-ssl disabled=yes
set api disabled=yes
set winbox address=172.28.90.0/24
set api-ssl disabled=yes
/ip ssh
set strong-crypto=yes
/routing ospf interface-template
add area=backbone interfaces=loopback passive
add area=backbone dead-interval=12s hello-interval=3s interfaces=ether2 type=ptp
add area=backbone dead-interval=12s hello-interval=3s interfaces=wifi1 priority=100 type=broadcast
add area=backbone dead-interval=12s hello-interval=3s interfaces=wifi2 priority=100 type=broadcast
/snmp community
set [ find default=yes ] disabled=yes
add addresses=172.28.90.0/24 authentication-password="{{secret:env:COUNTYNET_SNMP_AUTH}}" authentication-protocol=SHA1 encryption-password="{{secret:env:COUNTYNET_SNMP_PRIV}}" encryption-protocol=AES name=countynet-mon security=private
/snmp
set enabled=yes trap-version=3
/system identity
set name="rru-bs1"
/system logging action
add name=remote1 remote=10.250.60.20 target=remote
/system logging
add action=remote1 topics=info
/system note
set note="Authorised access only. Government of Kenya county connectivity network." show-at-login=yes
/system ntp client
set enabled=yes servers=10.250.60.1,10.250.60.2
/user
add address=172.28.90.0/24 group=full name=netops password="{{secret:env:COUNTYNET_ADMIN_PASSWORD}}"
set [ find name=admin ] disabled=yes
