"""Example crplugin extension: a source term (``cr_losses``) and a problem (``decay_box``)."""
