#!/bin/sh
# Installs the temperature-sensor app: the published build (see README) and its identity file.
INSTALL_PATH="/usr/local/bin/temp_app.v1"

echo "Installing temp_app..."
set -x
mkdir -p ${INSTALL_PATH}
cp -r publish/. ${INSTALL_PATH}/
# Keep an activated identity (its CIK) across reinstalls: a serial activates only once.
[ -f ${INSTALL_PATH}/temp_app.cfg ] || cp temp_app.cfg ${INSTALL_PATH}/
chmod 600 ${INSTALL_PATH}/temp_app.cfg
set +x
echo "Installation complete."
