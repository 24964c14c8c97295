window.GOVUKFrontend.initAll();
