"""Application services that join the layers below: the case repository (store + process) and the demo."""
