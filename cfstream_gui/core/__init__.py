"""The Qt-free core shared by the GUI, the command line, the sandbox and the tests."""
