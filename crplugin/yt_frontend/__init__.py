"""yt frontend of crplugin outputs.

Registered in yt's ``yt.frontends`` entry-point group (``pyproject.toml``),
so a plain ``yt.load("out/halo_cloud.00003.h5")`` recognises a crplugin
output without ``import crplugin``: the outputs are GDF files, and
:class:`CRPluginDataset` subclasses yt's ``GDFDataset``, so yt picks it as
the more specialised class for files carrying the crplugin marker.  The CR
fields use yt's names (``("gas", "cosmic_ray_pressure")``, ...); see
:mod:`crplugin.yt_frontend.fields`.  Field data are read by yt's own GDF
reader (no ``io.py`` here).
"""
from crplugin.yt_frontend.data_structures import CRPluginDataset
from crplugin.yt_frontend.fields import CRPluginFieldInfo

__all__ = ["CRPluginDataset", "CRPluginFieldInfo"]
