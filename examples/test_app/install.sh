#!/bin/sh

INSTALL_PATH="/usr/local/bin"

echo "Installing test_app..."
set -x
mkdir -p ${INSTALL_PATH}
cp test_app.sh ${INSTALL_PATH}/
chmod +x ${INSTALL_PATH}/test_app.sh
# Keep an activated identity (its CIK) across reinstalls: a serial activates only once.
[ -f ${INSTALL_PATH}/test_app.cfg ] || cp test_app.cfg ${INSTALL_PATH}/
chmod 600 ${INSTALL_PATH}/test_app.cfg
set +x
echo "Installation complete."
