# countynet-rendered rru-subcounty (routeros): do not edit, run `countynet render`
# packages: wifi
/interface bridge
add comment="lo" name=loopback protocol-mode=none
add comment="agency LANs" name=bridge-lan protocol-mode=none
/interface ethernet
set [ find default-name=ether1 ] comment="mgmt0: out-of-band management"
/interface wifi security
add authentication-types=wpa2-psk encryption=ccmp name=cn-s1 passphrase="{{secret:env:COUNTYNET_WIFI_PSK}}"
/interface wifi
set [ find default-name=wifi1 ] channel.band=5ghz-ac channel.frequency=5745 channel.width=20mhz comment="up0" configuration.country=Kenya configuration.installation=outdoor configuration.mode=station configuration.ssid="rru-bs1-s1" configuration.tx-power=20 disabled=no security=cn-s1
/interface vlan
add comment="agency LAN staff" interface=bridge-lan name=lan-staff vlan-id=10
/queue tree
add comment="qos up0: 96.7 Mbit/s planned" max-limit=91800k name=qos-up0 parent=wifi1
add limit-at=27540k max-limit=91800k name=qos-up0-critical packet-mark=cn-critical parent=qos-up0 priority=1
add limit-at=27540k max-limit=91800k name=qos-up0-business packet-mark=cn-business parent=qos-up0 priority=2
add limit-at=36720k max-limit=91800k name=qos-up0-default packet-mark=no-mark parent=qos-up0 priority=3
/routing ospf instance
add name=default-v2 router-id=10.100.0.7 version=2
/routing ospf area
add area-id=0.0.0.0 instance=default-v2 name=backbone
/ip address
add address=10.100.0.7/32 comment="lo" interface=loopback
add address=172.28.90.16/24 comment="mgmt0" interface=ether1
add address=10.100.2.2/26 comment="up0" interface=wifi1
add address=10.100.5.1/26 comment="lan-staff" interface=lan-staff
/ip dns
set allow-remote-requests=no servers=10.250.60.53
/ip firewall filter
add chain=input protocol=tcp dst-port=22 src-address=172.28.90.0/24 action=accept comment="ssh from management"
add chain=input protocol=tcp dst-port=22 action=drop comment="ssh from elsewhere"
add chain=forward in-interface=lan-staff action=jump jump-target=lan-in comment="agency LAN ingress lan-staff"
add chain=lan-in connection-state=established,related action=accept comment="lan-in established"
add chain=lan-in protocol=icmp action=accept comment="lan-in icmp"
add chain=lan-in protocol=udp dst-address=10.250.60.53/32 dst-port=53 action=accept comment="lan-in dns udp 10.250.60.53/32"
add chain=lan-in protocol=tcp dst-address=10.250.60.53/32 dst-port=53 action=accept comment="lan-in dns tcp 10.250.60.53/32"
add chain=lan-in protocol=udp dst-address=10.250.60.1/32 dst-port=123 action=accept comment="lan-in ntp udp 10.250.60.1/32"
add chain=lan-in protocol=udp dst-address=10.250.60.2/32 dst-port=123 action=accept comment="lan-in ntp udp 10.250.60.2/32"
add chain=lan-in protocol=tcp dst-address=10.250.10.0/24 dst-port=443 action=accept comment="lan-in ifmis tcp 10.250.10.0/24"
add chain=lan-in protocol=tcp dst-address=10.250.20.0/24 dst-port=443 action=accept comment="lan-in hrmis tcp 10.250.20.0/24"
add chain=lan-in dst-address=10.250.50.0/24 action=drop comment="lan-in ecitizen 10.250.50.0/24"
add chain=lan-in dst-address=10.250.40.0/24 action=drop comment="lan-in iprs 10.250.40.0/24"
add chain=lan-in dst-address=10.250.30.0/24 action=drop comment="lan-in tsc 10.250.30.0/24"
add chain=lan-in action=drop comment="lan-in default deny"
/ip firewall mangle
add chain=forward protocol=tcp dst-address=10.250.20.0/24 dst-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos hrmis to 10.250.20.0/24"
add chain=forward protocol=tcp src-address=10.250.20.0/24 src-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos hrmis from 10.250.20.0/24"
add chain=forward protocol=tcp dst-address=10.250.10.0/24 dst-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos ifmis to 10.250.10.0/24"
add chain=forward protocol=tcp src-address=10.250.10.0/24 src-port=443 action=mark-packet new-packet-mark=cn-critical passthrough=no comment="qos ifmis from 10.250.10.0/24"
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
add area=backbone dead-interval=12s hello-interval=3s interfaces=wifi1 priority=0 type=broadcast
add area=backbone interfaces=lan-staff passive
/snmp community
set [ find default=yes ] disabled=yes
add addresses=172.28.90.0/24 authentication-password="{{secret:env:COUNTYNET_SNMP_AUTH}}" authentication-protocol=SHA1 encryption-password="{{secret:env:COUNTYNET_SNMP_PRIV}}" encryption-protocol=AES name=countynet-mon security=private
/snmp
set enabled=yes trap-version=3
/system identity
set name="rru-subcounty"
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
