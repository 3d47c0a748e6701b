"""Test support that the installed package must not carry: fault injection, the process
log and the pool threshold, installed into the pytest process by plugin.py and into every
Python subprocess of the tests by sitecustomize.py (this folder on PYTHONPATH)."""
