"""The crplugin dataset: a GDF file written by :func:`crplugin.io.write_output`."""
import h5py
from yt.frontends.gdf.data_structures import GDFDataset

from crplugin.yt_frontend.fields import CRPluginFieldInfo

#: root attribute written by crplugin.io on every output (checkpoints say "checkpoint")
MARKER_ATTR = "crplugin_format"
MARKER_VALUE = "output"
#: parameter key of the CR adiabatic index, and its value when a run did not store one
GAMMA_C_KEY = "cr.gamma_c"
DEFAULT_GAMMA_C = 4.0 / 3.0


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


class CRPluginDataset(GDFDataset):
    """A crplugin output: yt's GDF reader plus the CR fields of :class:`CRPluginFieldInfo`.

    ``ds.gamma_c`` is the CR adiabatic index of the run (``cr.gamma_c`` of
    the stored parameters, 4/3 if absent); ``ds.parameters`` holds every run
    parameter as ``"section.key"``.
    """

    _field_info_class = CRPluginFieldInfo

    def _parse_parameter_file(self):
        super()._parse_parameter_file()
        self.gamma_c = float(self.parameters.get(GAMMA_C_KEY, DEFAULT_GAMMA_C))
        if not 1.0 < self.gamma_c <= 2.0:
            raise ValueError(f"{self.parameter_filename}: {GAMMA_C_KEY} = {self.gamma_c} is not in (1, 2]")

    @classmethod
    def _is_valid(cls, filename, *args, **kwargs):
        if cls._missing_load_requirements():
            return False
        try:
            with h5py.File(filename, mode="r") as f:
                return ("gridded_data_format" in f
                        and _text(f.attrs.get(MARKER_ATTR, b"")) == MARKER_VALUE)
        except Exception:  # not HDF5, unreadable: not ours (yt asks every frontend)
            return False
