"""Moving from WordPress: import a WXR export (``gazette import wordpress``) and export the
site as one (``gazette export wordpress``)."""
