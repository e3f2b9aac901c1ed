"""Registered source terms.  Importing this package imports every module in it,
and each module registers its classes with ``crplugin.sources.register``:
adding a source term is adding a module here, nothing else."""
import importlib
import pkgutil

for _mod in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_mod.name}")
