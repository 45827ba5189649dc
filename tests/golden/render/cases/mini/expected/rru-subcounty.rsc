# countynet-rendered rru-subcounty (routeros): do not edit, run `countynet render`
/system identity set name="rru-subcounty"
/interface bridge add name=loopback protocol-mode=none comment="lo"
/interface bridge add name=bridge-lan protocol-mode=none comment="agency LANs"
/interface vlan
add name=lan-staff vlan-id=10 interface=bridge-lan comment="agency LAN staff"
/interface ethernet set [ find default-name=ether1 ] comment="mgmt0: out-of-band management"
/interface wireless security-profiles
add name=cn-s1 mode=dynamic-keys authentication-types=wpa2-psk unicast-ciphers=aes-ccm group-ciphers=aes-ccm wpa2-pre-shared-key="{{secret:env:COUNTYNET_WIFI_PSK}}"
/interface wireless
set [ find default-name=wlan1 ] mode=station ssid="rru-bs1-s1" band=5ghz-a/n/ac frequency=5745 channel-width=20mhz tx-power=20 tx-power-mode=all-rates-fixed security-profile=cn-s1 country=kenya installation=outdoor disabled=no comment="up0"
/ip address
add address=10.100.0.7/32 interface=loopback comment="lo"
add address=172.28.90.16/24 interface=ether1 comment="mgmt0"
add address=10.100.2.2/26 interface=wlan1 comment="up0"
add address=10.100.5.1/26 interface=lan-staff comment="lan-staff"
/routing ospf instance add name=default-v2 version=2 router-id=10.100.0.7
/routing ospf area add name=backbone area-id=0.0.0.0 instance=default-v2
/routing ospf interface-template
add area=backbone interfaces=loopback passive
add area=backbone interfaces=wlan1 type=broadcast hello-interval=3s dead-interval=12s priority=0
add area=backbone interfaces=lan-staff passive
/ip firewall filter
add chain=input protocol=tcp dst-port=22 src-address=172.28.90.0/24 action=accept comment="ssh from management"
add chain=input protocol=tcp dst-port=22 action=drop comment="ssh from elsewhere"
add chain=forward in-interface=lan-staff action=jump jump-target=lan-in comment="agency LAN ingress"
add chain=lan-in connection-state=established,related action=accept
add chain=lan-in protocol=icmp action=accept comment="icmp"
add chain=lan-in protocol=udp dst-address=10.250.60.53/32 dst-port=53 action=accept comment="dns"
add chain=lan-in protocol=tcp dst-address=10.250.60.53/32 dst-port=53 action=accept comment="dns"
add chain=lan-in protocol=udp dst-address=10.250.60.1/32 dst-port=123 action=accept comment="ntp"
add chain=lan-in protocol=udp dst-address=10.250.60.2/32 dst-port=123 action=accept comment="ntp"
add chain=lan-in protocol=tcp dst-address=10.250.10.0/24 dst-port=443 action=accept comment="ifmis"
add chain=lan-in protocol=tcp dst-address=10.250.20.0/24 dst-port=443 action=accept comment="hrmis"
add chain=lan-in dst-address=10.250.50.0/24 action=drop comment="ecitizen"
add chain=lan-in dst-address=10.250.40.0/24 action=drop comment="iprs"
add chain=lan-in dst-address=10.250.30.0/24 action=drop comment="tsc"
add chain=lan-in action=drop comment="default deny"
/ip service
set telnet disabled=yes
set ftp disabled=yes
set www disabled=yes
set www-ssl disabled=yes
set api disabled=yes
set api-ssl disabled=yes
set winbox address=172.28.90.0/24
set ssh address=172.28.90.0/24 disabled=no
/ip ssh set strong-crypto=yes
/ip dns set servers=10.250.60.53 allow-remote-requests=no
/system ntp client set enabled=yes servers=10.250.60.1,10.250.60.2
/system logging action
add name=remote1 target=remote remote=10.250.60.20
/system logging
add action=remote1 topics=info
/snmp community set [ find default=yes ] disabled=yes
/snmp community add name=countynet-mon security=private authentication-protocol=SHA1 encryption-protocol=AES authentication-password="{{secret:env:COUNTYNET_SNMP_AUTH}}" encryption-password="{{secret:env:COUNTYNET_SNMP_PRIV}}" addresses=172.28.90.0/24
/snmp set enabled=yes trap-version=3
/user
add name=netops group=full password="{{secret:env:COUNTYNET_ADMIN_PASSWORD}}" address=172.28.90.0/24
disable admin
/system note set show-at-login=yes note="Authorised access only. Government of Kenya county connectivity network."
