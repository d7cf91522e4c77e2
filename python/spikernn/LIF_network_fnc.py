"""``LIF_network_fnc`` at the port's module path (``spiking.LIF_network_fnc``)."""

from .conversion import LIF_network_fnc

__all__ = ["LIF_network_fnc"]
