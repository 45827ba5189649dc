# countynet-rendered rru-bs1 (routeros): do not edit, run `countynet render`
/system identity set name="rru-bs1"
/interface bridge add name=loopback protocol-mode=none comment="lo"
/interface ethernet set [ find default-name=ether1 ] comment="mgmt0: out-of-band management"
/interface ethernet set [ find default-name=ether2 ] comment="up0: fibre to rru-hub"
/interface wireless security-profiles
add name=cn-s1 mode=dynamic-keys authentication-types=wpa2-psk unicast-ciphers=aes-ccm group-ciphers=aes-ccm wpa2-pre-shared-key="{{secret:env:COUNTYNET_WIFI_PSK}}"
add name=cn-s2 mode=dynamic-keys authentication-types=wpa2-psk unicast-ciphers=aes-ccm group-ciphers=aes-ccm wpa2-pre-shared-key="{{secret:env:COUNTYNET_WIFI_PSK}}"
/interface wireless
set [ find default-name=wlan1 ] mode=ap-bridge ssid="rru-bs1-s1" band=5ghz-a/n/ac frequency=5745 channel-width=20mhz tx-power=12 tx-power-mode=all-rates-fixed security-profile=cn-s1 country=kenya installation=outdoor disabled=no comment="sec-s1"
set [ find default-name=wlan2 ] mode=ap-bridge ssid="rru-bs1-s2" band=5ghz-a/n/ac frequency=5785 channel-width=20mhz tx-power=12 tx-power-mode=all-rates-fixed security-profile=cn-s2 country=kenya installation=outdoor disabled=no comment="sec-s2"
/ip address
add address=10.100.0.1/32 interface=loopback comment="lo"
add address=172.28.90.10/24 interface=ether1 comment="mgmt0"
add address=10.100.1.1/31 interface=ether2 comment="up0"
add address=10.100.2.1/26 interface=wlan1 comment="sec-s1"
add address=10.100.2.65/26 interface=wlan2 comment="sec-s2"
/routing ospf instance add name=default-v2 version=2 router-id=10.100.0.1
/routing ospf area add name=backbone area-id=0.0.0.0 instance=default-v2
/routing ospf interface-template
add area=backbone interfaces=loopback passive
add area=backbone interfaces=ether2 type=ptp hello-interval=3s dead-interval=12s
add area=backbone interfaces=wlan1 type=broadcast hello-interval=3s dead-interval=12s priority=100
add area=backbone interfaces=wlan2 type=broadcast hello-interval=3s dead-interval=12s priority=100
/ip firewall filter
add chain=input protocol=tcp dst-port=22 src-address=172.28.90.0/24 action=accept comment="ssh from management"
add chain=input protocol=tcp dst-port=22 action=drop comment="ssh from elsewhere"
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
