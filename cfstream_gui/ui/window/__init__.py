"""The main window as a view and its presenter: `controller.WindowController` owns what the
window does and is tested with a fake view; `main_window.MainWindow` composes the widgets and
shows what the controller says; `view.WindowView` is the contract between them."""
