"""The typed inventory: what the YAML files may say, with defaults, and nothing derived.

Derived facts (devices, links, addresses, radio figures) live in later pipeline steps, so
that this module stays a faithful picture of what a person wrote.
"""

# size: the inventory schema: one pydantic class per YAML object, kept together so a reader sees the whole file format in one place

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PrivateAttr, model_validator

from countynet.errors import Pos


def _text_only(value: Any) -> Any:
    """Addresses must be written as text: pydantic would read `true` or `7` as an address."""
    if isinstance(value, bool | int | float):
        raise ValueError("write the address or prefix as text, e.g. 10.96.0.0/19")
    return value


Name = Annotated[str, Field(min_length=1, max_length=63)]
Net = Annotated[IPv4Network, BeforeValidator(_text_only)]
Addr = Annotated[IPv4Address, BeforeValidator(_text_only)]
Dbm = Annotated[float, Field(ge=-150, le=60)]
Db = Annotated[float, Field(ge=-10, le=80)]
Metres = Annotated[float, Field(ge=0, le=10000)]


def _init_private(self: BaseModel, context: Any, /) -> None:
    """pydantic's private-attribute set-up for a Node, without resolving each default per object.

    pydantic runs its generic version (twice, once per class level) for every validated object;
    on a national inventory that was a tenth of the load time. Same result: the defaults below.
    """
    if getattr(self, "__pydantic_private__", None) is None:
        object.__setattr__(self, "__pydantic_private__", {"_pos": None, "_file": "", "_path": (), "_smap": None})


class Node(BaseModel):
    """Base of every inventory object: strict keys, and a source position set by the loader."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, validate_default=False)
    _pos: Pos | None = PrivateAttr(default=None)
    _file: str = PrivateAttr(default="")
    _path: tuple[str | int, ...] = PrivateAttr(default=())
    _smap: Any = PrivateAttr(default=None)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.__private_attributes__.keys() == {"_pos", "_file", "_path", "_smap"}:
            cls.model_post_init = _init_private  # type: ignore[method-assign,assignment]

    @property
    def pos(self) -> Pos | None:
        return self._pos

    def pos_of(self, *keys: str | int) -> Pos | None:
        """Position of a key (or nested key path) of this object, for pointing findings at it."""
        if self._smap is None:
            return self._pos
        return self._smap.find(self._file, (*self._path, *keys))


Node.model_post_init = _init_private  # type: ignore[method-assign,assignment]


class Coordinates(Node):
    lat: float
    lon: float
    elevation_m: float = Field(0.0, description="ground height above sea level (0 when not written: rule CN124)")

    @property
    def surveyed(self) -> bool:
        """Whether the elevation was written: an absent one plans as 0 m, which CN124 reports."""
        return "elevation_m" in self.model_fields_set


# ---------------------------------------------------------------- network.yml
class Pools(Node):
    aggregates: Net = Field(description="town aggregates must be carved from this block")
    management: Net = Field(description="out-of-band management subnets of the towns")


class Service(Node):
    description: str = ""
    prefixes: list[Net] = Field(min_length=1)
    address: Addr = Field(description="the endpoint verify connects to")
    ports: list[Annotated[int, Field(ge=1, le=65535)]] = Field(min_length=1)
    qos: Literal["critical", "business", "default"] = "business"


class AgencyKind(Node):
    description: str = ""
    users: Annotated[int, Field(ge=1, le=100000)] = 20
    services: list[str] = Field(default_factory=list)
    mbps_per_user: Annotated[float, Field(ge=0, le=100)] | None = Field(
        None, description="busy-hour rate of one user of this class; demand.base_mbps_per_user when absent"
    )


QosClass = Literal["critical", "business", "default"]
_DEFAULT_QOS_RATES: dict[QosClass, float] = {"critical": 0.03, "business": 0.02, "default": 0.01}


class Demand(Node):
    """Busy-hour demand a site puts on its radio hops: what capacity rules (CN601, CN602) and the planner size against.

    A site needs users x (its class's rate + the rate of each service it uses, by the
    service's QoS class), and never less than `min_site_mbps`. The defaults are busy-hour
    averages for office users of web applications (IFMIS, HRMIS, eCitizen): 50 kbit/s of
    general traffic plus 10-30 kbit/s per service, about what a 1:20 contention on 1-2 Mbit/s
    per user gives.
    """

    base_mbps_per_user: Annotated[float, Field(ge=0, le=100)] = 0.05
    service_mbps_per_user: dict[QosClass, Annotated[float, Field(ge=0, le=100)]] = Field(
        default_factory=lambda: _DEFAULT_QOS_RATES.copy()
    )
    min_site_mbps: Annotated[float, Field(ge=0, le=10000)] = 1.0
    warning_utilisation: Annotated[float, Field(gt=0, le=1)] = 0.85


class Qos(Node):
    """Service classes on the air: what share of each radio hop (and the NOFBI handoff) a class is guaranteed.

    Every queue shapes to `shape_ratio` x the hop's planned capacity (so the queue builds in the
    router, where the classes are, not in the radio); `critical` is guaranteed `critical_share` of
    that, `business` `business_share`, and `default` (best effort, and anything unmarked) the rest;
    every class may borrow up to the whole rate when the others are idle. Shares are whole percents.
    """

    critical_share: Annotated[float, Field(gt=0, lt=1)] = 0.3
    business_share: Annotated[float, Field(ge=0, lt=1)] = 0.3
    shape_ratio: Annotated[float, Field(gt=0, le=1)] = 0.95
    handoff_mbps: Annotated[float, Field(gt=0, le=100000)] = Field(
        default=1000.0, description="the NOFBI handoff's rate (fibre: not in the radio plan)"
    )

    @model_validator(mode="after")
    def _shares_leave_best_effort(self) -> Qos:
        if round(self.critical_share * 100) + round(self.business_share * 100) > 95:
            raise ValueError("critical_share + business_share must leave at least 5 % for best effort")
        return self


class Planner(Node):
    """Settings of `countynet plan town`: site-list columns, what it may use, how far it may go."""

    columns: dict[str, str] = Field(
        default_factory=dict, description="site-list column aliases: the file's header -> name/agency/kind/lat/..."
    )
    sector_model: str = "sector-19-120"
    ptp_model: str = "dish-30"
    station_model: str | None = Field(default=None, description="CPE radio model; defaults.cpe_radio_model when absent")
    sector_height_m: Metres = 28.0
    tower_height_m: Metres = 30.0
    ptp_site_height_m: Metres = 12.0
    fibre_radius_m: Annotated[float, Field(ge=0, le=5000)] = 300.0
    min_sites_per_tower: Annotated[int, Field(ge=1)] = 4
    max_towers: Annotated[int, Field(ge=1)] = 6
    max_sectors_per_tower: Annotated[int, Field(ge=1, le=12)] = 4
    max_links_per_tower: Annotated[int, Field(ge=0, le=12)] = 6
    dfs: Literal["avoid", "allow"] = Field(default="avoid", description="DFS channels only when `allow` (CN305 warns)")
    aggregate_prefix: Annotated[int, Field(ge=8, le=21)] = 19


class RadioModel(Node):
    vendor: str = ""
    platform: str | None = Field(
        default=None,
        description="the OS the radio runs, a platform row with radio commands (default: the one platform that has them)",
    )
    kind: Literal["sector", "station", "ptp"]
    antenna_gain_dbi: Db
    beamwidth_deg: Annotated[float, Field(gt=0, le=360)] = 360.0
    max_tx_power_dbm: Dbm = 27.0
    min_mhz: Annotated[float, Field(gt=0)] = 4900.0
    max_mhz: Annotated[float, Field(gt=0)] = 6100.0
    widths_mhz: list[Literal[20, 40, 80]] = Field(default_factory=lambda: [20, 40, 80])  # type: ignore[arg-type]
    streams: Annotated[int, Field(ge=1, le=4)] = 2
    sensitivity_dbm: list[Dbm] | None = Field(
        None, description="datasheet sensitivity at 20 MHz for MCS0.. (IEEE minimums when absent)"
    )
    max_range_km: Annotated[float, Field(gt=0)] = 15.0
    max_clients: Annotated[int, Field(ge=1)] | None = None
    package: Literal["wifi", "wireless"] | None = Field(
        None,
        description="RouterOS radio package: `wifi` (wifi-qcom-ac, 802.11ac radios) or the legacy `wireless`;"
        " when absent, `wifi` for a model that does 80 MHz (802.11ac) and `wireless` otherwise",
    )

    @model_validator(mode="after")
    def _default_package(self) -> RadioModel:
        """Fill the package from what the radio can do when network.yml does not say."""
        if self.package is None:
            self.package = "wifi" if 80 in self.widths_mhz else "wireless"
        return self

    @property
    def radio_package(self) -> Literal["wifi", "wireless"]:
        """The package this model runs (always set after validation)."""
        return self.package or "wifi"
    front_to_back_db: Db | None = Field(
        None, description="antenna discrimination behind the beam; by kind when absent (radio.interference)"
    )


class SecretRef(Node):
    """Where a secret lives: an environment variable or a key in an Ansible Vault file."""

    env: str | None = None
    vault: str | None = None


class Management(Node):
    admin_user: str = "netops"
    admin_password: SecretRef | str = Field(default_factory=lambda: SecretRef(env="COUNTYNET_ADMIN_PASSWORD"))
    ssh_public_key: str | None = None
    ntp_servers: list[Addr] = Field(default_factory=list)
    syslog_servers: list[Addr] = Field(default_factory=list)
    dns_servers: list[Addr] = Field(default_factory=list)
    snmp: Literal["none", "v3"] = "none"
    snmp_user: str = "countynet-mon"
    snmp_auth: SecretRef | str | None = None
    snmp_priv: SecretRef | str | None = None
    banner: str = "Authorised access only. Government of Kenya county connectivity network."
    domain: str = "county.go.ke"


class Defaults(Node):
    hub_platform: str = "ios"
    hub_model: str = "ISR4331"
    base_station_platform: str = "routeros"
    base_station_model: str = "CCR2004-16G-2S+"
    agency_platform: str = "routeros"
    agency_model: str = "RB4011"
    cpe_radio_model: str = "station"
    cpe_height_m: Metres = 10.0
    cpe_tx_power_dbm: Dbm = 20.0
    cable_loss_db: Db = 0.5
    lan_vlan: Annotated[int, Field(ge=1, le=4094)] = 10
    management_vlan: Annotated[int, Field(ge=1, le=4094)] = 99
    addresses_per_user: Annotated[float, Field(ge=1, le=16)] = 1.5
    fade_margin_error_db: Db = 10.0
    fade_margin_warning_db: Db = 15.0
    accept_tolerance_db: Annotated[float, Field(gt=0, le=30)] = Field(
        5.0, description="radio acceptance: measured Rx within +/- this of the planned level"
    )
    accept_settle_s: Annotated[int, Field(ge=0, le=86400)] = Field(
        600, description="radio acceptance: a link must have been registered this long"
    )
    k_factor: Annotated[float, Field(gt=0, le=10)] = 4 / 3
    terrain: Literal["smooth", "average", "rough"] = "average"
    climate: Literal["humid", "average", "dry"] = "average"
    ospf_hello_s: Annotated[int, Field(ge=1, le=65535)] = 3
    ospf_dead_s: Annotated[int, Field(ge=1, le=65535)] = 12
    bgp_keepalive_s: Annotated[int, Field(ge=1, le=65535)] = 3
    bgp_hold_s: Annotated[int, Field(ge=3, le=65535)] = 9


class Targets(Node):
    """What the programme must deliver; `countynet status` measures progress against it."""

    label: str = Field(default="rollout", description="shown in status and the dashboard, e.g. phase 3")
    towns: Annotated[int, Field(ge=0)] | None = Field(default=None, description="default: the towns in towns/")
    sites: Annotated[int, Field(ge=0)] | None = Field(default=None, description="default: the sites in towns/")


class Network(Node):
    name: str
    targets: Targets = Field(default_factory=Targets)
    pools: Pools
    services: dict[Name, Service] = Field(min_length=1)
    agency_kinds: dict[Name, AgencyKind] = Field(default_factory=dict)
    radio_models: dict[Name, RadioModel] = Field(default_factory=dict)
    management: Management = Field(default_factory=Management)
    defaults: Defaults = Field(default_factory=Defaults)  # type: ignore[arg-type]
    demand: Demand = Field(default_factory=Demand)
    qos: Qos = Field(default_factory=lambda: Qos())
    planner: Planner = Field(default_factory=lambda: Planner())


# ---------------------------------------------------------------- nofbi.yml
class Handoff(Node):
    town: Name
    prefix: Net = Field(description="the /30 or /31 NOFBI assigned for this town")


class Pop(Node):
    name: Name
    asn: Annotated[int, Field(ge=1, le=4294967295)]
    location: Coordinates
    services: list[str] = Field(default_factory=list)
    handoffs: list[Handoff] = Field(default_factory=list)


class Nofbi(Node):
    pops: list[Pop] = Field(min_length=1)


# ---------------------------------------------------------------- towns/<town>.yml
class Obstacle(Node):
    distance_km: Annotated[float, Field(ge=0)]
    height_m: float = Field(description="top of the obstacle above sea level")
    note: str = ""


class Sector(Node):
    name: Name
    radio_model: str
    azimuth_deg: Annotated[float, Field(ge=0, lt=360)]
    beamwidth_deg: Annotated[float, Field(gt=0, le=360)] | None = None
    frequency_mhz: Annotated[float, Field(gt=0)]
    width_mhz: Literal[20, 40, 80] = 20
    tx_power_dbm: Dbm
    antenna_gain_dbi: Db | None = None
    height_m: Metres = Field(description="antenna height above ground")
    cable_loss_db: Db | None = None
    max_clients: Annotated[int, Field(ge=1)] | None = None


class Hub(Node):
    name: Name
    platform: str | None = None
    model: str | None = None
    location: Coordinates


class Uplink(Node):
    """How a base station reaches the hub: a fibre/copper run, or a named point-to-point link."""

    fibre: Name | None = None
    link: Name | None = None


class BaseStation(Node):
    name: Name
    platform: str | None = None
    model: str | None = None
    location: Coordinates
    tower_height_m: Metres = 30.0
    uplink: Uplink
    sectors: list[Sector] = Field(default_factory=list)


class RadioEnd(Node):
    device: Name
    radio_model: str
    tx_power_dbm: Dbm
    antenna_gain_dbi: Db | None = None
    height_m: Metres
    cable_loss_db: Db | None = None


class PtpLink(Node):
    name: Name
    a: RadioEnd
    b: RadioEnd
    frequency_mhz: Annotated[float, Field(gt=0)]
    width_mhz: Literal[20, 40, 80] = 40
    obstacles: list[Obstacle] = Field(default_factory=list)
    note: str = ""


class Connect(Node):
    """Exactly one of: a PtMP sector (`bs/sector`), a named PtP link, or fibre to a device."""

    sector: str | None = None
    link: Name | None = None
    fibre: Name | None = None


class Cpe(Node):
    radio_model: str | None = None
    tx_power_dbm: Dbm | None = None
    antenna_gain_dbi: Db | None = None
    height_m: Metres | None = None
    cable_loss_db: Db | None = None


class Lan(Node):
    name: Annotated[str, Field(min_length=1, max_length=12, pattern=r"^[a-z][a-z0-9-]*$")]
    vlan: Annotated[int, Field(ge=1, le=4094)] | None = None
    users: Annotated[int, Field(ge=1, le=100000)] | None = None


class Site(Node):
    name: Name
    agency: str
    kind: str
    location: Coordinates
    users: Annotated[int, Field(ge=1, le=100000)] | None = None
    services: list[str] | None = None
    platform: str | None = None
    model: str | None = None
    connect: Connect
    cpe: Cpe = Field(default_factory=Cpe)
    lans: list[Lan] | None = None
    obstacles: list[Obstacle] = Field(default_factory=list)
    note: str = ""


class Wireless(Node):
    security: Literal["wpa2-psk", "wpa3-psk", "wpa2-eap", "open", "wep"] = "wpa2-psk"
    psk: SecretRef | str | None = None


class Town(Node):
    name: Name
    county: str
    location: Coordinates
    asn: Annotated[int, Field(ge=1, le=4294967295)]
    nofbi_pop: Name
    aggregate: Net
    management: Net
    terrain: Literal["smooth", "average", "rough"] | None = None
    climate: Literal["humid", "average", "dry"] | None = None
    k_factor: Annotated[float, Field(gt=0, le=10)] | None = None
    wireless: Wireless = Field(default_factory=Wireless)
    hub: Hub
    base_stations: list[BaseStation] = Field(default_factory=list)
    links: list[PtpLink] = Field(default_factory=list)
    sites: list[Site] = Field(default_factory=list)
